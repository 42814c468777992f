// Reports: GET /api/v1/summary as figures and Chart.js bar charts (Debian's libjs-chart.js,
// served at vendor/chart.js). Small cells come suppressed from the API: a count shows as
// "<threshold" and a figure built on too few cases as "hidden"; charts leave them out. The CSV
// export is fetched with the token and handed to the browser as a Blob download.
import { get_blob, get_json, query_string } from './api.js';
import { el } from './dom.js';
import { label, t } from './i18n.js';

const charted = ['category', 'type', 'status', 'region', 'language', 'channel'];
const charts = [];

function count_text(count, suppressed, threshold) {
  return suppressed || count === null ? `<${threshold}` : String(count);
}

function figure(id, name, value) {
  return el('div', { className: 'figure', id }, el('span', { className: 'value', text: value }), el('span', { className: 'name', text: name }));
}

function hours(d) {
  if (d.suppressed) return t('reports.hidden');
  return d.median_hours === null ? '—' : t('reports.hours', { h: d.median_hours });
}

function share(s) {
  if (s.suppressed) return t('reports.hidden');
  return s.share === null ? '—' : `${Math.round(s.share * 100)} %`;
}

function table(dimension, cells, threshold) {
  return el('table', { className: 'cells', 'data-dimension': dimension },
    el('thead', {}, el('tr', {}, el('th', { text: t(`field.${dimension}`) }), el('th', { text: t('reports.cases') }))),
    el('tbody', {}, cells.map((c) => el('tr', {},
      el('td', { text: dimension === 'status' ? label('status', c.value) : c.value || '—' }),
      el('td', { className: c.suppressed ? 'suppressed' : '', text: count_text(c.count, c.suppressed, threshold) })))));
}

function chart(dimension, cells) {
  const shown = cells.filter((c) => !c.suppressed && c.count !== null);
  if (!shown.length) return el('p', { className: 'meta no-chart', text: t('reports.no_chart') });
  const canvas = el('canvas', { id: `chart-${dimension}`, role: 'img', 'aria-label': t(`field.${dimension}`) });
  if (window.Chart) {
    charts.push(new window.Chart(canvas, {
      type: 'bar',
      data: { labels: shown.map((c) => (dimension === 'status' ? label('status', c.value) : c.value || '—')),
        datasets: [{ label: t('reports.cases'), data: shown.map((c) => c.count), backgroundColor: '#2f6f8f' }] },
      options: { animation: false, responsive: true, maintainAspectRatio: false,
        indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
    }));
  }
  return el('div', { className: 'chart' }, canvas);
}

async function download_export(button, filters) {
  button.disabled = true;
  try {
    const blob = await get_blob(`/api/v1/export.csv${query_string(filters)}`);
    const url = URL.createObjectURL(blob);
    const link = el('a', { href: url, download: 'cases.csv', hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } finally {
    button.disabled = false;
  }
}

export async function render_reports(main, me) {
  while (charts.length) charts.pop().destroy();
  if (!me.reports) {
    main.append(el('section', { className: 'card', id: 'no-reports' }, el('h1', { text: t('reports.title') }), el('p', { text: t('reports.not_for_role') })));
    return;
  }
  const from = el('input', { id: 'report-from', type: 'date' });
  const to = el('input', { id: 'report-to', type: 'date' });
  const body = el('div', { id: 'report-body' });
  const exporter = me.export && el('button', { id: 'export', type: 'button', text: t('reports.export') });
  const dates = () => ({ from: from.value, to: to.value });
  const form = el('form', { id: 'report-filters', className: 'filters' },
    el('label', { className: 'filter' }, el('span', { text: t('reports.from') }), from),
    el('label', { className: 'filter' }, el('span', { text: t('reports.to') }), to),
    exporter);
  if (exporter) exporter.addEventListener('click', () => download_export(exporter, dates()));
  main.append(el('section', { id: 'reports' }, el('h1', { text: t('reports.title') }), form, body));

  async function load() {
    while (charts.length) charts.pop().destroy();
    const s = await get_json(`/api/v1/summary${query_string(dates())}`);
    const threshold = s.threshold;
    body.replaceChildren(
      el('div', { className: 'figures' },
        figure('figure-total', t('reports.total'), count_text(s.total.count, s.total.suppressed, threshold)),
        s.sensitive && figure('figure-sensitive', t('reports.sensitive'), count_text(s.sensitive.count, s.sensitive.suppressed, threshold)),
        figure('figure-acknowledge', t('reports.time_to_acknowledge'), hours(s.time_to_acknowledge)),
        figure('figure-respond', t('reports.time_to_respond'), hours(s.time_to_respond)),
        figure('figure-answered', t('reports.answered_within_target'), share(s.answered_within_target)),
        figure('figure-satisfaction', t('reports.satisfaction'), s.satisfaction.suppressed ? t('reports.hidden') : s.satisfaction.average ?? '—')),
      el('p', { className: 'meta', text: t('reports.suppression', { n: threshold }) }),
      el('div', { className: 'breakdowns' }, charted.filter((d) => s.by[d]).map((d) =>
        el('section', { className: 'card breakdown', id: `by-${d}` }, el('h2', { text: t(`field.${d}`) }), chart(d, s.by[d]), table(d, s.by[d], threshold)))));
  }
  form.addEventListener('change', () => load());
  await load();
}
