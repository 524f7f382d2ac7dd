import type { ReactNode } from "react";

/**
 * Drawing kit for the guide's mock-ups of amoCRM screens: a browser window with soft shadow and rounded chrome,
 * numbered callouts and target highlights. Everything is inline SVG (no external fonts or images); the picture
 * scales with its viewBox from a 360 px phone to a desktop column.
 */

export const FONT = "ui-sans-serif, system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
export const MONO = "ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace";

/** amoCRM-like palette: navy menu, blue actions, cool greys; orange is reserved for the guide's own markers. */
export const COLORS = {
  ink: "#1f2d3d",
  muted: "#556476",
  faint: "#8a97a6",
  line: "#d9e0e8",
  field: "#c9d3de",
  canvas: "#f3f6f9",
  panel: "#ffffff",
  chrome: "#e9edf2",
  blue: "#1f63c6",
  blueSoft: "#e7f0fd",
  navy: "#203049",
  navyItem: "#2b3d59",
  navyText: "#c9d4e2",
  marker: "#c2410c",
  markerRing: "#f97316",
  markerSoft: "#fff3eb",
} as const;

export const WIDTH = 400;
const WINDOW_X = 12;
const WINDOW_Y = 10;
const TITLE_BAR = 34;

/** The top-left corner of the window's content area, below the browser's title bar. */
export const CONTENT = { x: WINDOW_X, y: WINDOW_Y + TITLE_BAR, width: WIDTH - 2 * WINDOW_X } as const;

export function contentHeight(height: number): number {
  return height - 2 * WINDOW_Y - TITLE_BAR;
}

/** A browser window drawn as an accessible image: the name comes from <title>, the description from <desc>. */
export function BrowserFrame({
  id,
  title,
  desc,
  height,
  address,
  children,
  overlay,
}: {
  /** Unique on the page; prefixes the SVG's internal ids. */
  id: string;
  title: string;
  desc: string;
  height: number;
  address: string;
  /** The page inside the window, clipped to its rounded corners. */
  children: ReactNode;
  /** Markers drawn above everything, including the title bar. */
  overlay?: ReactNode;
}) {
  const windowWidth = WIDTH - 2 * WINDOW_X;
  const windowHeight = height - 2 * WINDOW_Y;
  return (
    <svg
      viewBox={`0 0 ${WIDTH} ${height}`}
      width="100%"
      role="img"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-desc`}
      className="block h-auto w-full"
      fontFamily={FONT}
    >
      <title id={`${id}-title`}>{title}</title>
      <desc id={`${id}-desc`}>{desc}</desc>
      <defs>
        <filter id={`${id}-shadow`} x="-10%" y="-10%" width="120%" height="125%">
          <feDropShadow dx="0" dy="6" stdDeviation="7" floodColor="#0f172a" floodOpacity="0.16" />
        </filter>
        <filter id={`${id}-float`} x="-20%" y="-20%" width="140%" height="160%">
          <feDropShadow dx="0" dy="4" stdDeviation="5" floodColor="#0f172a" floodOpacity="0.2" />
        </filter>
        <clipPath id={`${id}-clip`}>
          <rect x={WINDOW_X} y={WINDOW_Y} width={windowWidth} height={windowHeight} rx="14" />
        </clipPath>
      </defs>

      <rect
        x={WINDOW_X}
        y={WINDOW_Y}
        width={windowWidth}
        height={windowHeight}
        rx="14"
        fill={COLORS.panel}
        filter={`url(#${id}-shadow)`}
      />
      <g clipPath={`url(#${id}-clip)`}>
        <rect x={WINDOW_X} y={WINDOW_Y} width={windowWidth} height={TITLE_BAR} fill={COLORS.chrome} />
        <line
          x1={WINDOW_X}
          x2={WINDOW_X + windowWidth}
          y1={WINDOW_Y + TITLE_BAR - 0.5}
          y2={WINDOW_Y + TITLE_BAR - 0.5}
          stroke={COLORS.line}
        />
        <circle cx={WINDOW_X + 16} cy={WINDOW_Y + 17} r="4.5" fill="#ef6b5b" />
        <circle cx={WINDOW_X + 30} cy={WINDOW_Y + 17} r="4.5" fill="#f4bf4f" />
        <circle cx={WINDOW_X + 44} cy={WINDOW_Y + 17} r="4.5" fill="#5fc454" />
        <rect x={ADDRESS.x} y={ADDRESS.y} width={ADDRESS.width} height={ADDRESS.height} rx="10" fill={COLORS.panel} stroke={COLORS.line} />
        <LockIcon x={ADDRESS.x + 10} y={ADDRESS.y + 5} />
        <text x={ADDRESS.x + 24} y={ADDRESS.y + 14} fontSize="11" fill={COLORS.muted}>
          {fitText(address, 36)}
        </text>
        {children}
      </g>
      {overlay}
    </svg>
  );
}

/** Where the address bar sits, so a step can point at it. */
export const ADDRESS = { x: 72, y: WINDOW_Y + 7, width: 256, height: 20 } as const;

function LockIcon({ x, y }: { x: number; y: number }) {
  return (
    <g transform={`translate(${x} ${y})`} fill="none" stroke={COLORS.faint} strokeWidth="1.3">
      <rect x="0.5" y="4" width="8" height="6" rx="1.3" fill={COLORS.faint} stroke="none" />
      <path d="M2.2 4.2V2.8a2.3 2.3 0 0 1 4.6 0v1.4" />
    </g>
  );
}

/** A numbered marker, matching the numbered legend under the picture. */
export function Callout({ x, y, n }: { x: number; y: number; n: number }) {
  return (
    <g>
      <circle cx={x} cy={y} r="11.5" fill={COLORS.marker} stroke="#ffffff" strokeWidth="2.5" />
      <text x={x} y={y + 4.3} textAnchor="middle" fontSize="12.5" fontWeight="700" fill="#ffffff">
        {n}
      </text>
    </g>
  );
}

/** A soft orange ring around the thing to click or copy. */
export function Highlight({ x, y, width, height, rx = 8 }: { x: number; y: number; width: number; height: number; rx?: number }) {
  return (
    <g>
      <rect x={x - 2.5} y={y - 2.5} width={width + 5} height={height + 5} rx={rx + 2.5} fill="none" stroke={COLORS.markerRing} strokeWidth="6" opacity="0.22" />
      <rect x={x} y={y} width={width} height={height} rx={rx} fill="none" stroke={COLORS.markerRing} strokeWidth="2.2" />
    </g>
  );
}

/** A small orange tag the guide adds beside an amoCRM label ("Client ID"), not part of amoCRM's screen. */
export function Tag({ x, y, label }: { x: number; y: number; label: string }) {
  const width = label.length * 6.1 + 14;
  return (
    <g>
      <rect x={x} y={y - 11} width={width} height="16" rx="8" fill={COLORS.markerSoft} stroke={COLORS.marker} strokeWidth="1" />
      <text x={x + width / 2} y={y + 0.8} textAnchor="middle" fontSize="10" fontWeight="700" fill="#9a3412">
        {label}
      </text>
    </g>
  );
}

/** A labelled single-line input as amoCRM draws it. */
export function InputBox({
  x,
  y,
  width,
  label,
  value,
  mono = false,
  placeholder = false,
}: {
  x: number;
  y: number;
  width: number;
  label: string;
  value: string;
  mono?: boolean;
  placeholder?: boolean;
}) {
  // Long values first get a smaller font (down to 8.5), so a typical URL is shown whole; only longer ones are cut.
  const inner = width - 16;
  const glyph = mono ? 0.6 : 0.55;
  const fontSize = Math.max(8.5, Math.min(mono ? 10.5 : 11.5, inner / (value.length * glyph)));
  const charWidth = fontSize * glyph;
  return (
    <g>
      <text x={x} y={y} fontSize="11" fontWeight="600" fill={COLORS.muted}>
        {label}
      </text>
      <rect x={x} y={y + 6} width={width} height="26" rx="5" fill={COLORS.panel} stroke={COLORS.field} />
      <text
        x={x + 8}
        y={y + 23}
        fontSize={fontSize}
        fontFamily={mono ? MONO : undefined}
        fill={placeholder ? COLORS.faint : COLORS.ink}
      >
        {fitText(value, Math.floor(inner / charWidth))}
      </text>
    </g>
  );
}

export function Checkbox({ x, y, checked, label }: { x: number; y: number; checked: boolean; label: string }) {
  return (
    <g>
      <rect
        x={x}
        y={y - 11}
        width="14"
        height="14"
        rx="3"
        fill={checked ? COLORS.blue : COLORS.panel}
        stroke={checked ? COLORS.blue : COLORS.field}
      />
      {checked && <path d={`M${x + 3.2} ${y - 4.2}l2.8 2.8 5-5.4`} fill="none" stroke="#ffffff" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />}
      <text x={x + 22} y={y} fontSize="11.5" fill={COLORS.ink}>
        {label}
      </text>
    </g>
  );
}

export function PrimaryButton({ x, y, width, label }: { x: number; y: number; width: number; label: string }) {
  return (
    <g>
      <rect x={x} y={y} width={width} height="30" rx="6" fill={COLORS.blue} />
      <text x={x + width / 2} y={y + 19.5} textAnchor="middle" fontSize="12.5" fontWeight="700" fill="#ffffff">
        {label}
      </text>
    </g>
  );
}

export function SecondaryButton({ x, y, width, label }: { x: number; y: number; width: number; label: string }) {
  return (
    <g>
      <rect x={x} y={y} width={width} height="30" rx="6" fill={COLORS.panel} stroke={COLORS.field} />
      <text x={x + width / 2} y={y + 19.5} textAnchor="middle" fontSize="12.5" fill={COLORS.muted}>
        {label}
      </text>
    </g>
  );
}

/** A faint placeholder line standing for text that does not matter in the picture. */
export function Ghost({ x, y, width, height = 7, fill = "#e3e8ee" }: { x: number; y: number; width: number; height?: number; fill?: string }) {
  return <rect x={x} y={y} width={width} height={height} rx={height / 2} fill={fill} />;
}

/**
 * Shortens a value to at most `maxChars` characters, keeping its start and end (the end of a URL is the part that
 * tells two Redirect URIs apart). The full value is always shown in text beside the picture.
 */
export function fitText(value: string, maxChars: number): string {
  if (value.length <= maxChars) return value;
  const tail = Math.max(8, Math.floor((maxChars - 1) * 0.45));
  return `${value.slice(0, maxChars - 1 - tail)}…${value.slice(-tail)}`;
}
