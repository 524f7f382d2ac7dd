import { ADDRESS, BrowserFrame, COLORS, CONTENT, Callout, Ghost, Highlight, PrimaryButton, contentHeight } from "./kit";
import type { IllustrationText } from "./types";

const HEIGHT = 300;

/** Step 1: amoCRM's sign-in page, pointing at the address bar, the fields and «Войти». */
export function SignInIllustration({ title, desc }: IllustrationText) {
  const card = { x: 108, y: 64, width: 184, height: 204 };
  const fieldX = card.x + 16;
  const fieldWidth = card.width - 32;
  return (
    <BrowserFrame
      id="guide-sign-in"
      title={title}
      desc={desc}
      height={HEIGHT}
      address="www.amocrm.ru"
      overlay={
        <>
          <Highlight x={ADDRESS.x} y={ADDRESS.y} width={ADDRESS.width} height={ADDRESS.height} rx={10} />
          <Callout x={ADDRESS.x + ADDRESS.width + 20} y={ADDRESS.y + 10} n={1} />
          <Highlight x={fieldX} y={card.y + 62} width={fieldWidth} height={70} rx={6} />
          <Callout x={card.x + card.width + 18} y={card.y + 97} n={2} />
          <Highlight x={fieldX} y={card.y + 146} width={fieldWidth} height={30} rx={6} />
          <Callout x={card.x + card.width + 18} y={card.y + 161} n={3} />
        </>
      }
    >
      <rect x={CONTENT.x} y={CONTENT.y} width={CONTENT.width} height={contentHeight(HEIGHT)} fill="#eaf1fb" />
      <circle cx={CONTENT.x + 30} cy={CONTENT.y + 210} r="70" fill="#dde8f8" />
      <circle cx={CONTENT.x + CONTENT.width - 20} cy={CONTENT.y + 20} r="56" fill="#e2ecfa" />

      <rect x={card.x} y={card.y} width={card.width} height={card.height} rx="12" fill={COLORS.panel} stroke={COLORS.line} />
      <rect x={card.x + 48} y={card.y + 20} width="20" height="20" rx="6" fill={COLORS.blue} />
      <path d={`M${card.x + 53} ${card.y + 34}l5-9 5 9`} fill="none" stroke="#ffffff" strokeWidth="2" strokeLinejoin="round" />
      <text x={card.x + 74} y={card.y + 36} fontSize="17" fontWeight="700" fill={COLORS.ink}>
        amoCRM
      </text>

      <rect x={fieldX} y={card.y + 62} width={fieldWidth} height="30" rx="6" fill={COLORS.panel} stroke={COLORS.field} />
      <text x={fieldX + 10} y={card.y + 81} fontSize="11.5" fill={COLORS.ink}>
        admin@example.com
      </text>
      <rect x={fieldX} y={card.y + 102} width={fieldWidth} height="30" rx="6" fill={COLORS.panel} stroke={COLORS.field} />
      <text x={fieldX + 10} y={card.y + 122} fontSize="13" letterSpacing="1.5" fill={COLORS.ink}>
        ••••••••••
      </text>

      <PrimaryButton x={fieldX} y={card.y + 146} width={fieldWidth} label="Войти" />
      <text x={card.x + card.width / 2} y={card.y + 194} textAnchor="middle" fontSize="10.5" fill={COLORS.muted}>
        Забыли пароль?
      </text>
      <Ghost x={CONTENT.x + 20} y={CONTENT.y + 14} width={54} fill="#d3e0f3" />
    </BrowserFrame>
  );
}
