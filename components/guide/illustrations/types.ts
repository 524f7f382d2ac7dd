/** The translated text alternative every illustration carries (<title> and <desc>). */
export interface IllustrationText {
  title: string;
  desc: string;
}
