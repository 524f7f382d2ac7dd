import {
  BrowserFrame,
  COLORS,
  CONTENT,
  Callout,
  Checkbox,
  Highlight,
  InputBox,
  PrimaryButton,
  SecondaryButton,
  contentHeight,
  fitText,
} from "./kit";
import type { IllustrationText } from "./types";

const HEIGHT = 474;
const ID = "guide-fill-form";

/**
 * Step 4: the new-integration form filled in with this deployment's live values (Redirect URI and hook URL come
 * from APP_URL), so the picture shows exactly what the admin pastes.
 */
export function FillFormIllustration({
  title,
  desc,
  redirectUri,
  hookUrl,
  exampleName,
  exampleDescription,
}: IllustrationText & { redirectUri: string; hookUrl: string; exampleName: string; exampleDescription: string }) {
  const panel = { x: CONTENT.x + 16, y: CONTENT.y + 14, width: CONTENT.width - 32, height: contentHeight(HEIGHT) - 28 };
  const fieldX = panel.x + 16;
  const fieldWidth = panel.width - 32;
  const edge = panel.x + panel.width;
  const top = panel.y + 58;
  const rows = {
    redirect: top,
    hook: top + 56,
    access: top + 112,
    name: top + 164,
    description: top + 220,
    buttons: top + 290,
  };
  return (
    <BrowserFrame
      id={ID}
      title={title}
      desc={desc}
      height={HEIGHT}
      address="yourcompany.amocrm.ru/amo-market/"
      overlay={
        <>
          <Highlight x={fieldX} y={rows.redirect + 6} width={fieldWidth} height={26} rx={5} />
          <Callout x={edge} y={rows.redirect + 19} n={1} />
          <Highlight x={fieldX} y={rows.hook + 6} width={fieldWidth} height={26} rx={5} />
          <Callout x={edge} y={rows.hook + 19} n={2} />
          <Highlight x={fieldX - 4} y={rows.access + 8} width={206} height={22} rx={5} />
          <Callout x={edge} y={rows.access + 19} n={3} />
          <Callout x={edge} y={rows.name + 19} n={4} />
          <Highlight x={edge - 16 - 120} y={rows.buttons} width={120} height={30} rx={6} />
          <Callout x={edge} y={rows.buttons + 15} n={5} />
        </>
      }
    >
      <rect x={CONTENT.x} y={CONTENT.y} width={CONTENT.width} height={contentHeight(HEIGHT)} fill={COLORS.canvas} />
      {[0, 1, 2].map((column) =>
        [0, 1, 2, 3].map((row) => (
          <rect
            key={`${column}-${row}`}
            x={CONTENT.x + 14 + column * 120}
            y={CONTENT.y + 14 + row * 100}
            width="108"
            height="88"
            rx="10"
            fill={COLORS.panel}
            stroke={COLORS.line}
          />
        )),
      )}
      <rect x={CONTENT.x} y={CONTENT.y} width={CONTENT.width} height={contentHeight(HEIGHT)} fill="#1b2738" opacity="0.42" />

      <rect x={panel.x} y={panel.y} width={panel.width} height={panel.height} rx="12" fill={COLORS.panel} filter={`url(#${ID}-float)`} />
      <text x={fieldX} y={panel.y + 30} fontSize="14.5" fontWeight="700" fill={COLORS.ink}>
        Внешняя интеграция
      </text>
      <path
        d={`M${edge - 28} ${panel.y + 20}l9 9m0-9l-9 9`}
        stroke={COLORS.faint}
        strokeWidth="1.6"
        strokeLinecap="round"
      />
      <line x1={panel.x} x2={edge} y1={panel.y + 44} y2={panel.y + 44} stroke={COLORS.line} />

      <InputBox x={fieldX} y={rows.redirect} width={fieldWidth} label="Ссылка для перенаправления" value={redirectUri} mono />
      <InputBox x={fieldX} y={rows.hook} width={fieldWidth} label="Ссылка для хука об отключении" value={hookUrl} mono />

      <text x={fieldX} y={rows.access} fontSize="11" fontWeight="600" fill={COLORS.muted}>
        Предоставить доступ
      </text>
      <Checkbox x={fieldX} y={rows.access + 24} checked label="Доступ к данным аккаунта" />

      <InputBox x={fieldX} y={rows.name} width={fieldWidth} label="Название интеграции" value={exampleName} />

      <text x={fieldX} y={rows.description} fontSize="11" fontWeight="600" fill={COLORS.muted}>
        Описание
      </text>
      <rect x={fieldX} y={rows.description + 6} width={fieldWidth} height="44" rx="5" fill={COLORS.panel} stroke={COLORS.field} />
      <text x={fieldX + 8} y={rows.description + 24} fontSize="11.5" fill={COLORS.ink}>
        {fitText(exampleDescription, 50)}
      </text>

      <line x1={panel.x} x2={edge} y1={rows.buttons - 14} y2={rows.buttons - 14} stroke={COLORS.line} />
      <SecondaryButton x={edge - 16 - 120 - 10 - 92} y={rows.buttons} width={92} label="Отмена" />
      <PrimaryButton x={edge - 16 - 120} y={rows.buttons} width={120} label="Сохранить" />
    </BrowserFrame>
  );
}
