import { Controller, Get, Header } from '@nestjs/common';
import { Cors } from 'nestjs-cors';

/**
 * The origin the draft reports are meant to be for, one day: the editors' app. No page of the
 * sample runs there; it stands for an origin other than the page's.
 */
export const EDITORS_ORIGIN = 'https://editors.example.com';

/** Both routes send X-Report-Version; only the first lets the page read it. */
@Controller('reports')
export class ReportsController {
  /** `exposedHeaders`: the page may read X-Report-Version. */
  @Cors({ exposedHeaders: ['X-Report-Version'] })
  @Get('latest')
  @Header('X-Report-Version', '2026.11')
  latest() {
    return { report: 'latest' };
  }

  /**
   * The module default: the header is sent, but the browser hides it from the page.
   *
   * And a trial: drafts are to be read by the editors' app alone, so the trial lists that origin
   * only. Responses still follow the module default (the page reads its draft as before); the
   * trial is decided on each request beside it, and each one it would answer differently is
   * counted (`GET /api/cors/trials`, the page's "Trying a stricter policy"). An origin list that
   * leaves the page out, rather than a trial that hides one more header, because that is the
   * question to ask before tightening a policy: which pages that work today would it break? Here
   * the answer is the sample's own page, on its allowed origin, "refuses" once per run.
   */
  @Cors({ trial: { origin: [EDITORS_ORIGIN] } })
  @Get('draft')
  @Header('X-Report-Version', 'draft-3')
  draft() {
    return { report: 'draft' };
  }
}
