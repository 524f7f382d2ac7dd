import { BrowserFrame, COLORS, CONTENT, Callout, Highlight, MONO, Tag, contentHeight, fitText } from "./kit";
import type { IllustrationText } from "./types";

const HEIGHT = 392;
const ID = "guide-copy-keys";

/** Made-up sample values in the real formats: a UUID for the ID, 64 letters and digits for the secret. */
const SAMPLE_ID = "6f1c2b9e-4a7d-4e21-9c3b-8d5e0a7f1b24";
const SAMPLE_SECRET = "kT9wZ2pQx7LmR4vBn8sYc3Hd";
const SAMPLE_CODE = "def50200a41c9e7b03f5d2";

/** Step 5: the integration's «Ключи и доступы» tab, with «Секретный ключ» and «ID интеграции» marked. */
export function CopyKeysIllustration({ title, desc, integrationName }: IllustrationText & { integrationName: string }) {
  const panel = { x: CONTENT.x + 16, y: CONTENT.y + 14, width: CONTENT.width - 32, height: contentHeight(HEIGHT) - 28 };
  const left = panel.x + 16;
  const width = panel.width - 32;
  const edge = panel.x + panel.width;
  const tabs = panel.y + 70;
  const rows = { secret: tabs + 34, id: tabs + 104, code: tabs + 174 };
  const keyTab = { x: left + 84, width: 122 };
  return (
    <BrowserFrame
      id={ID}
      title={title}
      desc={desc}
      height={HEIGHT}
      address="yourcompany.amocrm.ru/amo-market/"
      overlay={
        <>
          <Highlight x={keyTab.x - 4} y={tabs - 18} width={keyTab.width + 8} height={28} rx={6} />
          <Callout x={keyTab.x + keyTab.width + 18} y={tabs - 4} n={1} />
          <Highlight x={left - 4} y={rows.secret - 16} width={width + 8} height={58} rx={8} />
          <Callout x={edge} y={rows.secret + 13} n={2} />
          <Highlight x={left - 4} y={rows.id - 16} width={width + 8} height={58} rx={8} />
          <Callout x={edge} y={rows.id + 13} n={3} />
          <Callout x={edge} y={rows.code + 13} n={4} />
        </>
      }
    >
      <rect x={CONTENT.x} y={CONTENT.y} width={CONTENT.width} height={contentHeight(HEIGHT)} fill="#2a3647" />
      <rect x={panel.x} y={panel.y} width={panel.width} height={panel.height} rx="12" fill={COLORS.panel} filter={`url(#${ID}-float)`} />

      <rect x={left} y={panel.y + 16} width="30" height="30" rx="9" fill={COLORS.blue} />
      <path d={`M${left + 8} ${panel.y + 36}l7-12 7 12`} fill="none" stroke="#ffffff" strokeWidth="2" strokeLinejoin="round" />
      <text x={left + 42} y={panel.y + 29} fontSize="13.5" fontWeight="700" fill={COLORS.ink}>
        {fitText(integrationName, 34)}
      </text>
      <text x={left + 42} y={panel.y + 44} fontSize="10.5" fill="#0f7a4f">
        ● Установлено
      </text>

      <text x={left} y={tabs} fontSize="12" fill={COLORS.muted}>
        Описание
      </text>
      <text x={keyTab.x + keyTab.width / 2} y={tabs} textAnchor="middle" fontSize="12" fontWeight="700" fill={COLORS.blue}>
        Ключи и доступы
      </text>
      <line x1={panel.x} x2={edge} y1={tabs + 10} y2={tabs + 10} stroke={COLORS.line} />
      <rect x={keyTab.x} y={tabs + 8} width={keyTab.width} height="3" rx="1.5" fill={COLORS.blue} />

      <KeyRow x={left} y={rows.secret} width={width} label="Секретный ключ" tag="Client Secret" value={`${SAMPLE_SECRET}…`} />
      <KeyRow x={left} y={rows.id} width={width} label="ID интеграции" tag="Client ID" value={SAMPLE_ID} />
      <g opacity="0.55">
        <KeyRow x={left} y={rows.code} width={width} label="Код авторизации" value={`${SAMPLE_CODE}…`} />
      </g>
    </BrowserFrame>
  );
}

function KeyRow({ x, y, width, label, tag, value }: { x: number; y: number; width: number; label: string; tag?: string; value: string }) {
  return (
    <g>
      <text x={x} y={y} fontSize="11.5" fontWeight="700" fill={COLORS.ink}>
        {label}
      </text>
      {tag && <Tag x={x + label.length * 7.6 + 12} y={y} label={tag} />}
      <rect x={x} y={y + 8} width={width} height="28" rx="5" fill="#f6f8fb" stroke={COLORS.field} />
      <text x={x + 9} y={y + 26} fontSize="10.5" fontFamily={MONO} fill={COLORS.ink}>
        {value}
      </text>
      <g transform={`translate(${x + width - 24} ${y + 14})`} fill="none" stroke={COLORS.muted} strokeWidth="1.3">
        <rect x="4" y="0" width="10" height="12" rx="2" />
        <path d="M2 3.5v9a2 2 0 0 0 2 2h7" />
      </g>
    </g>
  );
}
