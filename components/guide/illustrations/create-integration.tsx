import { BrowserFrame, COLORS, CONTENT, Callout, Ghost, Highlight, contentHeight } from "./kit";
import type { IllustrationText } from "./types";

const HEIGHT = 330;
const RAIL = 44;
const ID = "guide-create-integration";

const CATEGORIES = [
  { label: "Мессенджеры", color: "#1f9d55" },
  { label: "Телефония", color: "#1f63c6" },
  { label: "Почта", color: "#d97706" },
  { label: "Формы сайта", color: "#7c3aed" },
  { label: "Аналитика", color: "#0e7490" },
  { label: "Оплата", color: "#be123c" },
] as const;

/** Step 3: амоМаркет with the «⋮» menu open, «Создать интеграцию» and «Внешняя интеграция». */
export function CreateIntegrationIllustration({ title, desc }: IllustrationText) {
  const mainX = CONTENT.x + RAIL + 14;
  const right = CONTENT.x + CONTENT.width - 14;
  const kebab = { x: right - 26, y: CONTENT.y + 14, size: 26 };
  const gridTop = CONTENT.y + 56;
  const cardWidth = (right - mainX - 16) / 3;
  const menu = { x: right - 176, y: kebab.y + kebab.size + 8, width: 176, height: 36 };
  const flyout = { x: menu.x - 44, y: menu.y + menu.height + 10, width: 176, height: 40 };
  return (
    <BrowserFrame
      id={ID}
      title={title}
      desc={desc}
      height={HEIGHT}
      address="yourcompany.amocrm.ru/amo-market/"
      overlay={
        <>
          <Highlight x={kebab.x} y={kebab.y} width={kebab.size} height={kebab.size} rx={7} />
          <Callout x={kebab.x - 18} y={kebab.y + 13} n={1} />
          <Highlight x={menu.x + 6} y={menu.y + 5} width={menu.width - 12} height={menu.height - 10} rx={5} />
          <Callout x={menu.x - 14} y={menu.y + 18} n={2} />
          <Highlight x={flyout.x + 6} y={flyout.y + 6} width={flyout.width - 12} height={28} rx={5} />
          <Callout x={flyout.x - 14} y={flyout.y + 20} n={3} />
        </>
      }
    >
      <rect x={CONTENT.x} y={CONTENT.y} width={CONTENT.width} height={contentHeight(HEIGHT)} fill={COLORS.canvas} />
      <rect x={CONTENT.x} y={CONTENT.y} width={RAIL} height={contentHeight(HEIGHT)} fill={COLORS.navy} />
      {[0, 1, 2, 3, 4, 5, 6].map((index) => (
        <rect
          key={index}
          x={CONTENT.x + 15}
          y={CONTENT.y + 18 + index * 30}
          width="14"
          height="14"
          rx="3.5"
          fill="none"
          stroke={COLORS.navyText}
          strokeWidth="1.4"
          opacity="0.8"
        />
      ))}
      <rect x={CONTENT.x + 6} y={CONTENT.y + 221} width={RAIL - 12} height="28" rx="6" fill={COLORS.navyItem} />
      <rect x={CONTENT.x + 15} y={CONTENT.y + 228} width="14" height="14" rx="3.5" fill="none" stroke="#ffffff" strokeWidth="1.5" />

      <text x={mainX} y={CONTENT.y + 33} fontSize="16" fontWeight="700" fill={COLORS.ink}>
        амоМаркет
      </text>
      <rect x={mainX + 112} y={CONTENT.y + 15} width={right - 40 - (mainX + 112)} height="24" rx="12" fill={COLORS.panel} stroke={COLORS.line} />
      <circle cx={mainX + 126} cy={CONTENT.y + 27} r="4.5" fill="none" stroke={COLORS.faint} strokeWidth="1.4" />
      <text x={mainX + 136} y={CONTENT.y + 31} fontSize="11" fill={COLORS.faint}>
        Поиск
      </text>
      <rect x={kebab.x} y={kebab.y} width={kebab.size} height={kebab.size} rx="7" fill={COLORS.panel} stroke={COLORS.line} />
      <text x={kebab.x + kebab.size / 2} y={kebab.y + 19} textAnchor="middle" fontSize="17" fontWeight="700" fill={COLORS.ink}>
        ⋮
      </text>

      {CATEGORIES.map((category, index) => {
        const x = mainX + (index % 3) * (cardWidth + 8);
        const y = gridTop + Math.floor(index / 3) * 100;
        return (
          <g key={category.label}>
            <rect x={x} y={y} width={cardWidth} height="88" rx="10" fill={COLORS.panel} stroke={COLORS.line} />
            <rect x={x + 12} y={y + 12} width="26" height="26" rx="8" fill={category.color} opacity="0.9" />
            <text x={x + 12} y={y + 58} fontSize="10.5" fontWeight="600" fill={COLORS.ink}>
              {category.label}
            </text>
            <Ghost x={x + 12} y={y + 68} width={cardWidth * 0.55} height={6} />
          </g>
        );
      })}

      <rect x={menu.x} y={menu.y} width={menu.width} height={menu.height} rx="8" fill={COLORS.panel} stroke={COLORS.line} filter={`url(#${ID}-float)`} />
      <text x={menu.x + 14} y={menu.y + 22} fontSize="12" fontWeight="600" fill={COLORS.ink}>
        Создать интеграцию
      </text>

      <rect x={flyout.x} y={flyout.y} width={flyout.width} height={flyout.height} rx="8" fill={COLORS.panel} stroke={COLORS.line} filter={`url(#${ID}-float)`} />
      <rect x={flyout.x + 6} y={flyout.y + 6} width={flyout.width - 12} height="28" rx="5" fill={COLORS.blueSoft} />
      <text x={flyout.x + 14} y={flyout.y + 24} fontSize="12" fontWeight="700" fill={COLORS.blue}>
        Внешняя интеграция
      </text>
    </BrowserFrame>
  );
}
