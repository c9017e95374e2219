import { Controller, Get, Header } from '@nestjs/common';
import { Cors } from 'nestjs-cors';

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

  /** The module default: the header is sent, but the browser hides it from the page. */
  @Get('draft')
  @Header('X-Report-Version', 'draft-3')
  draft() {
    return { report: 'draft' };
  }
}
