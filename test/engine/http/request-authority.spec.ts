import { requestAuthorityOf } from '../../../lib/engine/http/request-authority';

describe('requestAuthorityOf', () => {
  it("takes the platform request's own getters (Express's req, Fastify's request)", () => {
    // What Express and Fastify answer under trust proxy: the forwarded host and scheme.
    const platformRequest = {
      protocol: 'https',
      host: 'Tenant.Example:8443',
      hostname: 'Tenant.Example',
      headers: { host: 'backend:3000' },
    };
    expect(requestAuthorityOf(platformRequest)).toEqual({
      scheme: 'https',
      host: 'tenant.example:8443',
      hostname: 'tenant.example',
    });
  });

  it('reads an HTTP/2 compatibility request by its authority, which has no Host header', () => {
    const http2Request = {
      scheme: 'https',
      authority: 'api.example:8443',
      headers: { ':authority': 'api.example:8443' },
    };
    expect(requestAuthorityOf(http2Request)).toEqual({
      scheme: 'https',
      host: 'api.example:8443',
      hostname: 'api.example',
    });
  });

  it('reads a plain Node request by Host and the socket, trusting no forwarding header', () => {
    const plain = {
      headers: { host: '[::1]:3000', 'x-forwarded-host': 'evil.example' },
      socket: { encrypted: undefined },
    };
    expect(requestAuthorityOf(plain)).toEqual({
      scheme: 'http',
      host: '[::1]:3000',
      hostname: '[::1]',
    });
    expect(requestAuthorityOf({ headers: {}, socket: { encrypted: true } })).toEqual({
      scheme: 'https',
      host: '',
      hostname: '',
    });
  });

  it('takes an absent host on a platform request as none', () => {
    expect(requestAuthorityOf({ protocol: 'http', host: undefined, hostname: undefined })).toEqual({
      scheme: 'http',
      host: '',
      hostname: '',
    });
  });
});
