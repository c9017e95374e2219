import { Test, TestingModule } from '@nestjs/testing';
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { App } from 'supertest/types.js';
import { expectCors } from 'nestjs-cors/testing';
import { AppModule } from './../src/app.module.js';

describe('CorsModule in a fresh Nest 12 project (e2e)', () => {
  let app: INestApplication<App>;

  beforeEach(async () => {
    const moduleFixture: TestingModule = await Test.createTestingModule({
      imports: [AppModule],
    }).compile();

    app = moduleFixture.createNestApplication();
    await app.init();
  });

  it('answers a preflight with the policy of the route it is for', async () => {
    await expectCors(app)
      .preflight('PUT', '/items/1')
      .from('https://admin.example.com')
      .toBeAllowed({ credentials: true, headers: ['X-Token'] });
    await expectCors(app).preflight('PUT', '/items/1').from('https://app.example.com').toBeDenied();
  });

  it('writes the headers of actual responses', async () => {
    const response = await request(app.getHttpServer())
      .get('/items')
      .set('Origin', 'https://admin.example.com')
      .expect(200);
    expect(response.headers['access-control-allow-origin']).toBe('https://admin.example.com');
    expect(response.headers['access-control-allow-credentials']).toBe('true');
  });

  afterEach(async () => {
    await app.close();
  });
});
