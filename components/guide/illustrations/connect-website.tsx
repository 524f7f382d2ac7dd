import type { ReactNode } from "react";
import { BrowserFrame, COLORS, CONTENT, Callout, Ghost, Highlight, InputBox, MONO, PrimaryButton, contentHeight, fitText } from "./kit";
import type { IllustrationText } from "./types";

const HEIGHT = 350;
const ID = "guide-connect-website";

/** Obviously made up and cut short: the picture never shows anything that could work as a key. */
const SAMPLE_KEY = "amc_k7Qw2ZpLx9…";

export interface ConnectWebsiteLabels {
  /** This deployment's `${APP_URL}/api/v1/leads`. */
  leadsApiUrl: string;
  keyName: string;
  keyNameLabel: string;
  createKey: string;
  siteServer: string;
}

/**
 * Step 6: this dashboard's API keys page (a named key is created and shown once), then the path a lead takes: the
 * website's server posts to this server's address, which delivers to amoCRM. Our own screen, so its labels are in
 * the admin's language.
 */
export function ConnectWebsiteIllustration({ title, desc, leadsApiUrl, keyName, keyNameLabel, createKey, siteServer }: IllustrationText & ConnectWebsiteLabels) {
  const url = new URL(leadsApiUrl);
  const panel = { x: CONTENT.x + 16, y: CONTENT.y + 14, width: CONTENT.width - 32, height: 150 };
  const left = panel.x + 16;
  const inner = panel.width - 32;
  const buttonWidth = 104;
  const form = { y: panel.y + 34 };
  const key = { y: panel.y + 98, height: 30 };

  const flow = { y: panel.y + panel.height + 40, height: 62 };
  const site = { x: panel.x, width: 84 };
  const app = { x: site.x + site.width + 40, width: 136 };
  const amo = { x: app.x + app.width + 24, width: panel.x + panel.width - (app.x + app.width + 24) };
  const middle = flow.y + flow.height / 2;

  return (
    <BrowserFrame
      id={ID}
      title={title}
      desc={desc}
      height={HEIGHT}
      address={`${url.host}/settings/api-keys`}
      overlay={
        <>
          <Highlight x={left - 4} y={form.y - 14} width={inner + 8} height={50} rx={8} />
          <Callout x={panel.x + panel.width} y={form.y + 8} n={1} />
          <Highlight x={left - 4} y={key.y - 4} width={inner + 8} height={key.height + 8} rx={8} />
          <Callout x={panel.x + panel.width} y={key.y + key.height / 2} n={2} />
          <Highlight x={app.x - 3} y={flow.y - 3} width={app.width + 6} height={flow.height + 6} rx={10} />
          <Callout x={app.x + app.width - 4} y={flow.y - 6} n={3} />
        </>
      }
    >
      <rect x={CONTENT.x} y={CONTENT.y} width={CONTENT.width} height={contentHeight(HEIGHT)} fill={COLORS.canvas} />

      <rect x={panel.x} y={panel.y} width={panel.width} height={panel.height} rx="12" fill={COLORS.panel} stroke={COLORS.line} />
      <Ghost x={left} y={panel.y + 14} width={120} height={8} fill="#cfd8e3" />
      <InputBox x={left} y={form.y} width={inner - buttonWidth - 10} label={keyNameLabel} value={keyName} />
      <PrimaryButton x={left + inner - buttonWidth} y={form.y + 4} width={buttonWidth} label={fitText(createKey, 16)} />

      <rect x={left} y={key.y} width={inner} height={key.height} rx="6" fill="#ecfdf3" stroke="#86d0a8" />
      <text x={left + 10} y={key.y + 19.5} fontSize="11" fontFamily={MONO} fill={COLORS.ink}>
        {SAMPLE_KEY}
      </text>
      <g transform={`translate(${left + inner - 26} ${key.y + 8})`} fill="none" stroke={COLORS.muted} strokeWidth="1.3">
        <rect x="4" y="0" width="10" height="12" rx="2" />
        <path d="M2 3.5v9a2 2 0 0 0 2 2h7" />
      </g>

      <FlowBox x={site.x} y={flow.y} width={site.width} height={flow.height} fill={COLORS.panel} stroke={COLORS.field}>
        <ServerIcon x={site.x + site.width / 2 - 9} y={flow.y + 10} />
        <text x={site.x + site.width / 2} y={flow.y + 48} textAnchor="middle" fontSize="10" fontWeight="600" fill={COLORS.ink}>
          {fitText(siteServer, 16)}
        </text>
      </FlowBox>
      <Arrow x1={site.x + site.width + 4} x2={app.x - 4} y={middle} />
      <text x={(site.x + site.width + app.x) / 2} y={middle - 7} textAnchor="middle" fontSize="9" fontWeight="700" fill={COLORS.blue}>
        POST
      </text>
      <text x={(site.x + site.width + app.x) / 2} y={middle + 15} textAnchor="middle" fontSize="9" fontWeight="700" fill="#0f7a4f">
        202
      </text>

      <FlowBox x={app.x} y={flow.y} width={app.width} height={flow.height} fill={COLORS.blueSoft} stroke="#9bbdf0">
        <text x={app.x + 10} y={flow.y + 22} fontSize="10.5" fontWeight="700" fill={COLORS.ink}>
          amoCRM Connect
        </text>
        <text x={app.x + 10} y={flow.y + 38} fontSize="9" fontFamily={MONO} fill={COLORS.ink}>
          {fitText(url.host, 22)}
        </text>
        <text x={app.x + 10} y={flow.y + 51} fontSize="9" fontFamily={MONO} fontWeight="700" fill={COLORS.blue}>
          {fitText(url.pathname, 22)}
        </text>
      </FlowBox>
      <Arrow x1={app.x + app.width + 4} x2={amo.x - 4} y={middle} />

      <FlowBox x={amo.x} y={flow.y} width={amo.width} height={flow.height} fill={COLORS.navy} stroke={COLORS.navy}>
        <text x={amo.x + amo.width / 2} y={middle + 4} textAnchor="middle" fontSize="10" fontWeight="700" fill="#ffffff">
          amoCRM
        </text>
      </FlowBox>
    </BrowserFrame>
  );
}

function FlowBox({ x, y, width, height, fill, stroke, children }: { x: number; y: number; width: number; height: number; fill: string; stroke: string; children: ReactNode }) {
  return (
    <g>
      <rect x={x} y={y} width={width} height={height} rx="10" fill={fill} stroke={stroke} />
      {children}
    </g>
  );
}

function Arrow({ x1, x2, y }: { x1: number; x2: number; y: number }) {
  return (
    <g stroke={COLORS.muted} strokeWidth="1.6" fill="none" strokeLinecap="round" strokeLinejoin="round">
      <line x1={x1} x2={x2} y1={y} y2={y} />
      <path d={`M${x2 - 6} ${y - 4.5}L${x2} ${y}l-6 4.5`} />
    </g>
  );
}

function ServerIcon({ x, y }: { x: number; y: number }) {
  return (
    <g transform={`translate(${x} ${y})`} fill="none" stroke={COLORS.muted} strokeWidth="1.4">
      <rect x="0" y="0" width="18" height="9" rx="2" />
      <rect x="0" y="12" width="18" height="9" rx="2" />
      <circle cx="4" cy="4.5" r="1" fill={COLORS.muted} />
      <circle cx="4" cy="16.5" r="1" fill={COLORS.muted} />
    </g>
  );
}
