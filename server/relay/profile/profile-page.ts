import type { PublishedProfile } from './profile-store';
import { escapeHtml, safeHttpUrl } from './html-escape';
import { pageShell } from './page-shell';

type Service = PublishedProfile['services'][number];

/** "30 min", "1 h", "1 h 30 min". */
export function formatDuration(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** Plain text → paragraphs, every piece escaped. */
const paragraphs = (text: string): string =>
  text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('\n');

function serviceItem(s: Service, consultant: string): string {
  const url = safeHttpUrl(s.bookingUrl);
  const meta = [formatDuration(s.durationMinutes), s.location, s.price]
    .filter((x): x is string => Boolean(x))
    .map(escapeHtml)
    .join(' · ');
  const button = url
    ? `<a class="book" href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer" aria-label="${escapeHtml(`Book ${s.title} with ${consultant} (opens Cal.com in a new tab)`)}">Book Now</a>`
    : '';
  return `<li class="service"><div><h3>${escapeHtml(s.title)}</h3><p class="meta">${meta}</p>${
    s.description ? `<p class="desc">${escapeHtml(s.description)}</p>` : ''
  }</div>${button}</li>`;
}

/** First ~200 characters of the bio on one line, for link previews. */
function summary(p: PublishedProfile): string {
  const flat = p.bio.replace(/\s+/g, ' ').trim();
  if (flat === '') return `Book a wellness consultation with ${p.name}.`;
  return flat.length > 200 ? `${flat.slice(0, 197)}…` : flat;
}

/** The public profile page: server-rendered, no scripts, every profile value escaped. */
export function renderProfilePage(p: PublishedProfile, pageUrl: string): string {
  const title = `${p.name} · Wellness consultations`;
  const photo = safeHttpUrl(p.photoUrl);
  const og: Array<[string, string]> = [
    ['og:type', 'profile'],
    ['og:title', title],
    ['og:description', summary(p)],
    ['og:url', pageUrl],
    ...(photo ? ([['og:image', photo]] as Array<[string, string]>) : []),
  ];
  const head = [
    `<meta name="description" content="${escapeHtml(summary(p))}">`,
    `<link rel="canonical" href="${escapeHtml(pageUrl)}">`,
    ...og.map(([k, v]) => `<meta property="${k}" content="${escapeHtml(v)}">`),
    `<meta name="twitter:card" content="summary">`,
  ].join('\n');
  const services =
    p.services.length > 0
      ? `<ul class="services">${p.services.map((s) => serviceItem(s, p.name)).join('')}</ul>`
      : `<p class="notice" role="status"><strong>${escapeHtml(p.name)} is not taking bookings right now.</strong> Please check back later.</p>`;
  const body = `<article class="card">
<div class="head">${photo ? `<img class="photo" src="${escapeHtml(photo)}" alt="" width="96" height="96">` : ''}<h1>${escapeHtml(p.name)}</h1></div>
<div class="bio">${paragraphs(p.bio)}</div>
<h2>Services</h2>
${services}
</article>`;
  return pageShell(title, head, body);
}

/** The 404 page for an unknown or malformed slug. */
export function renderNotFoundPage(): string {
  const body = `<article class="card"><h1>No consultant here</h1><p>There is no profile at this address. Check the link you were given, or ask your consultant for a new one.</p></article>`;
  return pageShell('Profile not found', '<meta name="robots" content="noindex">', body);
}

/** The page of a consultant not (or no longer) approved by LifeScore: no name, no links, not indexed. */
export function renderNotAvailablePage(): string {
  const body = `<article class="card"><h1>Not available yet</h1><p class="notice" role="status">This consultant's page is not available yet. Please check back later, or ask your consultant for their booking link.</p></article>`;
  return pageShell('Not available yet', '<meta name="robots" content="noindex">', body);
}
