import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * The token the admin endpoint wants: CORS_ADMIN_TOKEN, or one made at startup, which `main.ts`
 * prints in the terminal. It is never sent to the page: /config.js can be loaded by a `<script>`
 * tag of any site, so nothing secret may go into it.
 */
@Injectable()
export class AdminToken {
  /** Whether the token was made at startup, for want of CORS_ADMIN_TOKEN. */
  readonly generated: boolean;
  readonly value: string;

  constructor(config: ConfigService) {
    const configured = config.get<string>('CORS_ADMIN_TOKEN', '').trim();
    this.generated = configured === '';
    this.value = this.generated ? randomBytes(18).toString('base64url') : configured;
  }

  /** Compares in constant time, so that the answer's timing says nothing about the token. */
  matches(given: string): boolean {
    return timingSafeEqual(digest(given), digest(this.value));
  }
}
