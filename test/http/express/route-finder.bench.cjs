// Micro-benchmark of the Express route finder alone (ExpressRoutes, no HTTP): ns per lookup, the
// variants interleaved, best of ROUNDS. Apps of the issue-19 shape: controllers c0..c(N/10), each
// with GET r0..r4 and PUT r0..r4/:id, without and with a shared `/api/v1` prefix.
//
//   npm run build && node test/http/express/route-finder.bench.cjs 100,1000,5000 dist/cjs [other]...
//
// Each further argument is another compiled lib (for example an older commit's, built with
// `tsc -p tsconfig.build.cjs.json --outDir <dir>`). COUNT fixes the lookups per round.
const path = require('node:path');
const express = require('express');
const sizes = process.argv[2].split(',').map(Number);
const variants = process.argv.slice(3).map((dir) => ({
  name: path.basename(dir),
  ExpressRoutes: require(path.join(path.resolve(dir), 'http/express/express-routes.js'))
    .ExpressRoutes,
}));
const other = { policy: {}, hosts: undefined, versions: undefined };

function appWith(n, prefix) {
  const app = express();
  app.use(express.json());
  app.use(express.urlencoded({ extended: true }));
  app.use((req, res, next) => next());
  const h = (req, res) => res.end();
  for (let c = 0; c < n / 10; c++) {
    for (let r = 0; r < 5; r++) app.get(`${prefix}/c${c}/r${r}`, h);
    for (let r = 0; r < 5; r++) app.put(`${prefix}/c${c}/r${r}/:id`, h);
  }
  return app;
}

function once(fn, requests) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < requests.length; i++) fn(requests[i]);
  return Number(process.hrtime.bigint() - start) / requests.length;
}

const ROUNDS = Number(process.env.ROUNDS ?? 7);
for (const prefix of ['', '/api/v1']) {
  for (const n of sizes) {
    const controllers = n / 10;
    const count =
      Number(process.env.COUNT ?? 0) ||
      Math.max(2000, Math.min(200000, Math.round(4e8 / (n * 60))));
    const unique = [],
      hot = [],
      none = [];
    for (let i = 0; i < count; i++) {
      unique.push({
        method: 'OPTIONS',
        path: `${prefix}/c${(i * 7919) % controllers}/r${i % 5}/${1e9 + i}`,
      });
      hot.push({ method: 'GET', path: `${prefix}/c${((i * 7919) % 50) % controllers}/r${i % 5}` });
      none.push({
        method: 'OPTIONS',
        path: `${prefix}/c${(i * 7919) % controllers}/q${i % 5}/${1e9 + i}`,
      });
    }
    const scenarios = [
      ['preflight PUT /cK/rJ/<unique id>', (f) => (req) => f.preflightRoute(req, 'PUT'), unique],
      ['actual GET /cK/rJ (250 paths)', (f) => (req) => f.actualRoute(req), hot],
      ['preflight PUT, no route, unique', (f) => (req) => f.preflightRoute(req, 'PUT'), none],
    ];
    for (const [label, make, requests] of scenarios) {
      const runs = variants.map((v) => {
        const app = appWith(n, prefix);
        const finder = new v.ExpressRoutes(app, other, []);
        return { fn: make(finder), best: Infinity };
      });
      for (const run of runs) once(run.fn, requests.slice(0, 20000));
      for (let round = 0; round < ROUNDS; round++) {
        for (const run of runs) run.best = Math.min(run.best, once(run.fn, requests));
      }
      console.log(
        `${(prefix || '/').padEnd(8)} N=${String(n).padStart(5)} ${label.padEnd(34)} ` +
          runs.map((run, i) => `${variants[i].name} ${run.best.toFixed(0).padStart(7)}`).join('  '),
      );
    }
  }
}
