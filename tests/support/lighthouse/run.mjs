// Lighthouse on several pages in one Chromium (tests/core/test_lighthouse.py): one browser start for all of them.
// Usage: node run.mjs JOBS.json OUT.json, where JOBS.json is {"categories": [...], "pages": [{"url", "language"}]}.
// Each page is loaded by a fresh tab sending the page's Accept-Language, as a first visit in that language.
// Performance is measured with throttlingMethod "provided": the load as it happens on 127.0.0.1, without the
// simulated slow network and CPU whose estimate depends on how busy the machine is.
import fs from 'node:fs';
import lighthouse, {defaultConfig} from 'lighthouse';
import puppeteer from 'puppeteer-core';

const [jobsPath, outPath] = process.argv.slice(2);
const jobs = JSON.parse(fs.readFileSync(jobsPath, 'utf8'));
const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
// Lighthouse's own configuration with each category reduced to the audits that count towards its score (weight
// above 0): the scores are the same, and the diagnostics nobody reads are neither gathered nor computed.
const config = JSON.parse(JSON.stringify(defaultConfig));
for (const id of jobs.categories) {
  config.categories[id].auditRefs = config.categories[id].auditRefs.filter((ref) => ref.weight > 0);
}
const results = [];
try {
  for (const job of jobs.pages) {
    const page = await browser.newPage();
    const flags = {
      logLevel: 'error',
      output: 'json',
      onlyCategories: jobs.categories,
      throttlingMethod: 'provided',
      extraHeaders: {'Accept-Language': job.language},
      disableFullPageScreenshot: true,
    };
    let entry = {url: job.url, language: job.language};
    try {
      const result = await lighthouse(job.url, flags, config, page);
      const lhr = result.lhr;
      entry.runtimeError = lhr.runtimeError ? lhr.runtimeError.code : null;
      entry.seconds = Math.round(lhr.timing.total) / 1000;
      entry.htmlLang = await page.evaluate(() => document.documentElement.lang).catch(() => null);
      entry.scores = Object.fromEntries(jobs.categories.map((c) => [c, lhr.categories[c].score]));
      entry.failing = [];
      for (const c of jobs.categories) {
        for (const ref of lhr.categories[c].auditRefs) {
          const audit = lhr.audits[ref.id];
          if (ref.weight > 0 && audit.score !== null && audit.score < 1) {
            entry.failing.push(`${c}: ${ref.id} (${audit.title}) ${audit.displayValue || ''}`.trim());
          } else if (ref.weight > 0 && audit.score === null && audit.errorMessage) {
            // An audit that errored leaves its category unscored: say which one, and why.
            entry.failing.push(`${c}: ${ref.id} not measured: ${audit.errorMessage}`.slice(0, 300));
          }
        }
      }
    } catch (error) {
      entry.runtimeError = String(error);
    }
    results.push(entry);
    await page.close();
  }
} finally {
  await browser.close();
}
fs.writeFileSync(outPath, JSON.stringify(results, null, 1));
