import { Controller, Get } from '@nestjs/common';
import { CorsPolicies, type CorsTrialCounts } from 'nestjs-cors';

/**
 * The trials' counts, read-only, for the page's "Trying a stricter policy" section: since the API
 * started, per route with a trial, how many requests the trial would have answered differently,
 * per kind of difference, and the origins seen most (`CorsPolicies.trialCounts()`).
 *
 * Under the module default, like the routes the page calls: the allowed origin may read it, the
 * other one may not. The origins it lists are whatever `Origin` headers clients sent, so the page
 * writes them with `textContent`, never as HTML. In an application of yours these counts are for
 * the people who run it (an internal dashboard, metrics through `CorsEvents`), not for every page
 * of an allowed origin; here the page is that dashboard.
 */
@Controller('cors/trials')
export class TrialsController {
  constructor(private readonly policies: CorsPolicies) {}

  @Get()
  counts(): CorsTrialCounts {
    return this.policies.trialCounts();
  }
}
