import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import {
  applyDecision,
  NODE_RESPONSE_HEADERS,
  writeCorsHeaders,
} from '../../lib/http/response-headers';

function response(): ServerResponse {
  return new ServerResponse(new IncomingMessage(new Socket()));
}

describe('writeCorsHeaders', () => {
  it('sets the headers and appends the Vary names to what is there', () => {
    const res = response();
    res.setHeader('Vary', 'Accept-Encoding');
    res.setHeader('Access-Control-Allow-Origin', 'https://old.example');
    writeCorsHeaders(
      NODE_RESPONSE_HEADERS,
      res,
      [['Access-Control-Allow-Origin', 'https://app.example.com']],
      'Origin',
    );
    expect(res.getHeader('access-control-allow-origin')).toBe('https://app.example.com');
    expect(res.getHeader('vary')).toBe('Accept-Encoding, Origin');
  });

  it('leaves Vary alone with no names, and adds a name once', () => {
    const res = response();
    writeCorsHeaders(NODE_RESPONSE_HEADERS, res, [], '');
    expect(res.hasHeader('vary')).toBe(false);
    res.setHeader('Vary', 'origin');
    writeCorsHeaders(NODE_RESPONSE_HEADERS, res, [], 'Origin');
    expect(res.getHeader('vary')).toBe('origin');
  });

  it("writes a decision's headers and Vary", () => {
    const res = response();
    applyDecision(NODE_RESPONSE_HEADERS, res, {
      allowed: true,
      reason: 'allowed',
      headers: [['Access-Control-Allow-Credentials', 'true']],
      vary: 'Origin, Host',
    });
    expect(res.getHeader('access-control-allow-credentials')).toBe('true');
    expect(res.getHeader('vary')).toBe('Origin, Host');
  });
});
