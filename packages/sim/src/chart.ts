/** The per-policy chart written beside the results: drive minutes per job, on-time %, unclaimed jobs. */
import type { PolicyOutcome } from './report';

const PANELS = [
  { title: 'Drive minutes per job', value: (m: NonNullable<PolicyOutcome['metrics']>) => m.driveMinutesPerJob ?? 0, unit: '' },
  { title: 'Arrivals inside the window', value: (m: NonNullable<PolicyOutcome['metrics']>) => m.onTimePct ?? 0, unit: '%' },
  { title: 'Never claimed', value: (m: NonNullable<PolicyOutcome['metrics']>) => m.unclaimed, unit: '' },
] as const;
const COLORS = ['#2563eb', '#16a34a', '#d97706'];

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function chartSvg(title: string, outcomes: PolicyOutcome[]): string {
  const width = 780;
  const panelWidth = 240;
  const height = 300;
  const top = 70;
  const barArea = 170;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escape(title)}">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="20" y="28" font-family="sans-serif" font-size="16" font-weight="bold">${escape(title)}</text>`,
  ];
  PANELS.forEach((panel, p) => {
    const x0 = 20 + p * (panelWidth + 20);
    const values = outcomes.map((o) => (o.metrics ? panel.value(o.metrics) : null));
    const max = Math.max(1, ...values.map((v) => v ?? 0));
    parts.push(`<text x="${x0}" y="${top - 14}" font-family="sans-serif" font-size="13">${escape(panel.title)}</text>`);
    parts.push(`<line x1="${x0}" y1="${top + barArea}" x2="${x0 + panelWidth}" y2="${top + barArea}" stroke="#999"/>`);
    const slot = panelWidth / Math.max(1, outcomes.length);
    outcomes.forEach((outcome, i) => {
      const x = x0 + i * slot + slot * 0.15;
      const w = slot * 0.7;
      const value = values[i];
      const label = `<text x="${x + w / 2}" y="${top + barArea + 16}" font-family="sans-serif" font-size="11" text-anchor="middle">${escape(outcome.policy)}</text>`;
      if (value === null || value === undefined) {
        parts.push(
          label,
          `<text x="${x + w / 2}" y="${top + barArea - 8}" font-family="sans-serif" font-size="10" text-anchor="middle" fill="#666">n/a</text>`,
        );
        return;
      }
      const h = (value / max) * (barArea - 20);
      parts.push(
        `<rect x="${x}" y="${top + barArea - h}" width="${w}" height="${h}" fill="${COLORS[i % COLORS.length]}"/>`,
        `<text x="${x + w / 2}" y="${top + barArea - h - 4}" font-family="sans-serif" font-size="11" text-anchor="middle">${value}${panel.unit}</text>`,
        label,
      );
    });
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
