// The Images section: a card per image (its preview and a readable caption); a click opens the
// image large, with the analyzer's measured sources circled on it and its numbers beside it.
import { byTestId, el, fill, num, when } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';
/** The images of the last state, by id: the open viewer follows its image's analysis. */
const shown = new Map();

/**
 * The Images section. Cards are kept by id, so that a preview is fetched once, not every second.
 * @param {Array<Record<string, any>>} images newest first
 */
export function renderImages(images) {
  const grid = byTestId('images');
  shown.clear();
  for (const image of images) shown.set(String(image.id), image);
  if (images.length === 0) return grid.replaceChildren(el('p', { class: 'muted' }, 'no image yet'));
  /** @type {Map<string, Element>} */
  const existing = new Map([...grid.children].map((c) => [c.getAttribute('data-id') ?? '', c]));
  const cards = images.map((image) => {
    const card = existing.get(String(image.id)) ?? imageCard(image);
    // The analysis arrives after the image: refresh its line in place.
    const analysis = card.querySelector('[data-testid="image-analysis"]');
    if (analysis !== null) analysis.textContent = analysisLine(image);
    return card;
  });
  grid.replaceChildren(...cards);
  const open = byTestId('image-viewer');
  const id = open.dataset.id;
  if (open.hasAttribute('open') && id !== undefined && shown.has(id)) fillViewer(shown.get(id), false);
}

/** @param {Record<string, any>} image */
function imageCard(image) {
  const card = el(
    'figure',
    { class: 'image-card', 'data-testid': 'image-card', 'data-id': image.id },
    el(
      'button',
      {
        type: 'button',
        class: 'image-open',
        'data-testid': 'image-open',
        title: 'open large, with its sources',
      },
      el('img', {
        src: image.preview,
        alt: `image ${image.id}: ${image.object}`,
        'data-testid': 'image-preview',
      }),
    ),
    el(
      'figcaption',
      { 'data-testid': 'image-caption' },
      el('strong', {}, image.object),
      el('span', {}, `${image.filter}, ${num(image.exposureS, 0)} s, ${when(image.dateObs)}`),
      el('span', { class: 'muted', 'data-testid': 'image-analysis' }, analysisLine(image)),
    ),
  );
  card.querySelector('button')?.addEventListener('click', () => openViewer(String(image.id)));
  return card;
}

/**
 * The analyzer's word on an image: its result, or pending, failed, or unknown (no answer).
 * @param {{analysis?: Record<string, any> | null, analysisState?: string | null}} image
 */
export function analysisLine(image) {
  const a = image.analysis;
  if (a === null || a === undefined) {
    const state = image.analysisState;
    return state === 'failed'
      ? 'analysis failed'
      : state === 'pending'
        ? 'analysis pending'
        : 'no analysis known';
  }
  const count = a.sourceCount ?? (Array.isArray(a.sources) ? a.sources.length : undefined);
  return `background ${num(a.background, 1)}, noise ${num(a.noise, 2)}, ${count ?? '?'} sources`;
}

/** @param {string} id */
function openViewer(id) {
  const image = shown.get(id);
  if (image === undefined) return;
  const dialog = /** @type {HTMLDialogElement} */ (byTestId('image-viewer'));
  dialog.dataset.id = id;
  fillViewer(image, true);
  if (!dialog.open) dialog.showModal();
}

/**
 * Fills the viewer: the image large, its sources circled, its caption and analysis.
 * @param {Record<string, any>} image
 * @param {boolean} fresh a new image (else only the analysis may have changed)
 */
function fillViewer(image, fresh) {
  const frame = byTestId('viewer-frame');
  let img = frame.querySelector('img');
  if (fresh || img === null) {
    img = /** @type {HTMLImageElement} */ (
      el('img', {
        src: image.preview,
        alt: `image ${image.id}: ${image.object}`,
        'data-testid': 'viewer-image',
      })
    );
    frame.replaceChildren(img);
    img.addEventListener('load', () => drawSources(frame, /** @type {HTMLImageElement} */ (img), image));
  }
  if (img.complete && img.naturalWidth > 0) drawSources(frame, img, image);
  fill(
    'viewer-caption',
    el('strong', {}, image.object),
    ` image ${image.id}, observation ${image.observationId}: ${image.filter}, ${num(image.exposureS, 0)} s, ` +
      `${when(image.dateObs)}, RA ${num(image.raDeg, 3)}° Dec ${num(image.decDeg, 3)}°`,
  );
  const a = image.analysis;
  const sources = Array.isArray(a?.sources) ? a.sources : [];
  fill(
    'viewer-analysis',
    el('p', { 'data-testid': 'viewer-analysis-line' }, analysisLine(image)),
    sources.length === 0
      ? ''
      : el(
          'table',
          { class: 'sources-table' },
          el('thead', {}, el('tr', {}, ...['#', 'x', 'y', 'flux', 'FWHM (px)'].map((h) => el('th', {}, h)))),
          el(
            'tbody',
            {},
            ...sources.map((s, i) =>
              el(
                'tr',
                { 'data-testid': 'viewer-source' },
                el('td', { class: 'num' }, i + 1),
                el('td', { class: 'num' }, num(s.x, 1)),
                el('td', { class: 'num' }, num(s.y, 1)),
                el('td', { class: 'num' }, num(s.flux, 0)),
                el('td', { class: 'num' }, num(s.fwhm, 1)),
              ),
            ),
          ),
        ),
  );
}

/**
 * Circles each measured source on the image. The analyzer's positions are FITS pixels (row 0 at
 * the bottom); the preview's rows are flipped (row 0 at the top), as its PNG is.
 * @param {HTMLElement} frame
 * @param {HTMLImageElement} img
 * @param {Record<string, any>} image
 */
function drawSources(frame, img, image) {
  frame.querySelector('svg')?.remove();
  const sources = Array.isArray(image.analysis?.sources) ? image.analysis.sources : [];
  const w = img.naturalWidth;
  const h = img.naturalHeight;
  const overlay = document.createElementNS(SVG, 'svg');
  overlay.setAttribute('viewBox', `0 0 ${w} ${h}`);
  overlay.setAttribute('class', 'sources-overlay');
  overlay.setAttribute('data-testid', 'viewer-overlay');
  sources.forEach((s, i) => {
    const circle = document.createElementNS(SVG, 'circle');
    circle.setAttribute('cx', String(s.x));
    circle.setAttribute('cy', String(h - 1 - s.y));
    circle.setAttribute('r', String(Math.max(4, (Number(s.fwhm) || 3) * 1.5, w / 100)));
    circle.setAttribute('data-testid', 'viewer-mark');
    const title = document.createElementNS(SVG, 'title');
    title.textContent = `source ${i + 1}: x ${num(s.x, 1)}, y ${num(s.y, 1)}, flux ${num(s.flux, 0)}`;
    circle.append(title);
    overlay.append(circle);
  });
  frame.append(overlay);
}

/** Wires the viewer's close button, and a click beside the image. */
export function setUpViewer() {
  const dialog = /** @type {HTMLDialogElement} */ (byTestId('image-viewer'));
  byTestId('viewer-close').addEventListener('click', () => dialog.close());
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) dialog.close();
  });
}
