import { chromium } from '@playwright/test';
const base = ['--no-sandbox','--disable-gpu','--disable-quic','--no-first-run','--disable-background-networking','--disable-component-update','--disable-sync'];
const variants: Record<string,string[]> = {
  plain: [],
  unlimited: ['--disable-frame-rate-limit','--disable-gpu-vsync'],
  unlimited2: ['--disable-frame-rate-limit','--disable-gpu-vsync','--disable-features=ThrottleDisplayNoneAndVisibilityHiddenCrossOriginIframes'],
  oldheadless: ['--headless=old','--disable-frame-rate-limit','--disable-gpu-vsync'],
};
for (const [k, a] of Object.entries(variants)) {
  try {
  const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: [...base, ...a] });
  const p = await b.newPage();
  await p.setContent('<div>x</div>');
  const d = await p.evaluate(async () => { const out:number[]=[]; let l = await new Promise<number>(r=>requestAnimationFrame(r)); for (let i=0;i<60;i++){ const t = await new Promise<number>(r=>requestAnimationFrame(r)); out.push(t-l); l=t;} return out.sort((x,y)=>x-y)[30]; });
  console.log(k, d, b.version());
  await b.close();
  } catch (e) { console.log(k, String(e).slice(0,200)); }
}
