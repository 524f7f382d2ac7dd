import { BrowserFrame, COLORS, CONTENT, Callout, Ghost, Highlight, contentHeight } from "./kit";
import type { IllustrationText } from "./types";

const HEIGHT = 310;
const MENU_WIDTH = 128;
const ROW = 26;

/** amoCRM's left menu as it reads in Russian; амоМаркет is the target. */
const MENU = ["Рабочий стол", "Сделки", "Задачи", "Списки", "Почта", "Статистика", "Настройки", "амоМаркет"] as const;
const TARGET = MENU.length - 1;

/** Step 2: the main menu on the left with амоМаркет highlighted. */
export function OpenAmoMarketIllustration({ title, desc }: IllustrationText) {
  const menuTop = CONTENT.y + 44;
  const rowY = (index: number) => menuTop + index * ROW;
  const mainX = CONTENT.x + MENU_WIDTH + 24;
  const mainWidth = CONTENT.x + CONTENT.width - 16 - mainX;
  const cardWidth = (mainWidth - 10) / 2;
  return (
    <BrowserFrame
      id="guide-open-amomarket"
      title={title}
      desc={desc}
      height={HEIGHT}
      address="yourcompany.amocrm.ru/dashboard/"
      overlay={
        <>
          <Callout x={CONTENT.x + MENU_WIDTH - 18} y={CONTENT.y + 22} n={1} />
          <Highlight x={CONTENT.x + 6} y={rowY(TARGET) - 2} width={MENU_WIDTH - 12} height={ROW} rx={6} />
          <Callout x={CONTENT.x + MENU_WIDTH + 8} y={rowY(TARGET) + 11} n={2} />
        </>
      }
    >
      <rect x={CONTENT.x} y={CONTENT.y} width={CONTENT.width} height={contentHeight(HEIGHT)} fill={COLORS.canvas} />

      <rect x={CONTENT.x} y={CONTENT.y} width={MENU_WIDTH} height={contentHeight(HEIGHT)} fill={COLORS.navy} />
      <circle cx={CONTENT.x + 24} cy={CONTENT.y + 22} r="11" fill="#4b6a97" />
      <text x={CONTENT.x + 24} y={CONTENT.y + 26} textAnchor="middle" fontSize="10" fontWeight="700" fill="#ffffff">
        A
      </text>
      <Ghost x={CONTENT.x + 42} y={CONTENT.y + 18} width={44} fill="#3b4f6e" />
      {MENU.map((label, index) => {
        const y = rowY(index);
        const target = index === TARGET;
        return (
          <g key={label}>
            {target && <rect x={CONTENT.x + 6} y={y - 2} width={MENU_WIDTH - 12} height={ROW} rx="6" fill={COLORS.navyItem} />}
            <rect
              x={CONTENT.x + 14}
              y={y + 5}
              width="13"
              height="13"
              rx="3.5"
              fill="none"
              stroke={target ? "#ffffff" : COLORS.navyText}
              strokeWidth="1.4"
            />
            <text
              x={CONTENT.x + 36}
              y={y + 16}
              fontSize={target ? 12 : 11.5}
              fontWeight={target ? 700 : 400}
              fill={target ? "#ffffff" : COLORS.navyText}
            >
              {label}
            </text>
          </g>
        );
      })}

      <text x={mainX} y={CONTENT.y + 30} fontSize="15" fontWeight="700" fill={COLORS.ink}>
        Рабочий стол
      </text>
      {[
        { label: "Новые сделки", value: "12", color: "#1f63c6" },
        { label: "Задачи", value: "5", color: "#0f8a6a" },
        { label: "Входящие", value: "3", color: "#b45309" },
        { label: "Продажи", value: "84%", color: "#6d28d9" },
      ].map((card, index) => {
        const x = mainX + (index % 2) * (cardWidth + 10);
        const y = CONTENT.y + 46 + Math.floor(index / 2) * 82;
        return (
          <g key={card.label}>
            <rect x={x} y={y} width={cardWidth} height="70" rx="10" fill={COLORS.panel} stroke={COLORS.line} />
            <text x={x + 12} y={y + 22} fontSize="10.5" fill={COLORS.muted}>
              {card.label}
            </text>
            <text x={x + 12} y={y + 50} fontSize="20" fontWeight="700" fill={card.color}>
              {card.value}
            </text>
            <Ghost x={x + cardWidth - 48} y={y + 44} width={34} height={6} />
          </g>
        );
      })}
      <rect x={mainX} y={CONTENT.y + 212} width={mainWidth} height="24" rx="8" fill={COLORS.panel} stroke={COLORS.line} />
      <Ghost x={mainX + 12} y={CONTENT.y + 221} width={mainWidth * 0.55} />
    </BrowserFrame>
  );
}
