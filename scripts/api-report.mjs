// The API report of each public entry (api/*.api-extractor.json, one per entry of package.json's
// "exports"), made by API Extractor from the built .d.ts of dist/esm. `npm run api:check` fails when
// what the build exports differs from the report checked in under api/, or when API Extractor finds
// a problem (a type used by the public API but not exported, an unresolved {@link}); `npm run
// api:update` rewrites the reports, for review in the diff.
//
//   node scripts/api-report.mjs [--update]      (after npm run build)
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const apiDir = join(root, 'api');
const update = process.argv.includes('--update');

const configs = readdirSync(apiDir)
  .filter((name) => name.endsWith('.api-extractor.json'))
  .sort();
const failed = [];
for (const name of configs) {
  const config = ExtractorConfig.loadFileAndPrepare(join(apiDir, name));
  const entry = relative(root, config.mainEntryPointFilePath);
  if (!existsSync(config.mainEntryPointFilePath)) {
    console.error(`api: ${entry} is missing: run npm run build first`);
    process.exit(1);
  }
  // localBuild: write the report in place (update); otherwise a changed report is a failure.
  const result = Extractor.invoke(config, { localBuild: update, showVerboseMessages: false });
  const report = relative(root, config.reportFilePath);
  if (result.succeeded) {
    console.log(
      `api: ${entry} ${update && result.apiReportChanged ? 'rewrote' : 'matches'} ${report}`,
    );
  } else {
    failed.push(name);
    console.error(
      result.apiReportChanged
        ? `api: ${entry} differs from ${report} (new report: ${relative(root, config.reportTempFilePath)}). ` +
            'If the change of public API is meant, run npm run api:update and commit the report (and a CHANGELOG.md line).'
        : `api: ${entry}: ${result.errorCount} error(s), ${result.warningCount} warning(s), above`,
    );
  }
}
if (failed.length > 0) {
  console.error(`api: ${failed.length} of ${configs.length} entries failed: ${failed.join(', ')}`);
  process.exit(1);
}
