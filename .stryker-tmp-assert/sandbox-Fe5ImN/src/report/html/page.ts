// @ts-nocheck
import { chartJsSource } from "./chartjs.js";
import { escapeHtml, jsonForScript, scriptSource } from "./escape.js";

// A self-contained report page: inline CSS, Chart.js inlined, the data as a JSON script
// element, and a page script that draws from it. Nothing is fetched.

export interface PageParts {
  title: string;
  /** Trusted HTML (callers escape what they interpolate). */
  bodyHtml: string;
  /** Data for the page script, readable as `window.REPORT_DATA`. */
  data: unknown;
  /** The page script (trusted source). */
  script: string;
  extraCss?: string;
}

export const BASE_CSS = `
:root { color-scheme: light; --fg:#1d2330; --muted:#5b6475; --line:#d9dde5; --pass:#1a7f37; --fail:#c62828; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); margin: 0; background: #f6f7f9; }
header { padding: 20px 28px 8px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 0 0 10px; }
h3 { font-size: 14px; margin: 0 0 6px; color: var(--muted); font-weight: 600; }
main { padding: 0 28px 28px; }
section.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px 18px; margin: 16px 0; }
.meta { color: var(--muted); }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; }
td.num, th.num { text-align: right; }
.pass { color: var(--pass); font-weight: 600; }
.fail { color: var(--fail); font-weight: 600; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(360px, 1fr)); gap: 16px; margin-top: 12px; }
.chart { position: relative; height: 280px; }
.scroll { overflow-x: auto; }
ul.notes { margin: 8px 0 0; padding-left: 18px; color: var(--muted); }
`;

export function renderPage(parts: PageParts): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(parts.title)}</title>
<style>${BASE_CSS}${parts.extraCss ?? ""}</style>
</head>
<body>
${parts.bodyHtml}
<script>${scriptSource(chartJsSource())}</script>
<script id="report-data" type="application/json">${jsonForScript(parts.data)}</script>
<script>
window.REPORT_DATA = JSON.parse(document.getElementById("report-data").textContent);
${scriptSource(parts.script)}
</script>
</body>
</html>
`;
}
