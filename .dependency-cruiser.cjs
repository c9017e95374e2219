/**
 * The layers of lib/, bottom first, and the rules that keep imports going down. Checked in CI by
 * `npm run check:layers` (dependency-cruiser), type-only imports included.
 *
 * A folder may import its own files and the folders of lower levels, never a folder of its own
 * level or above: each level is told by what it may use, and siblings stay independent.
 */
const levels = [
  {
    summary:
      'leaves of the CORS engine: HTTP syntax, configuration errors; peers: optional packages',
    folders: ['peers', 'engine/http', 'engine/errors'],
  },
  { summary: 'origins and user-function answers', folders: ['engine/origin', 'engine/answers'] },
  { summary: 'the policy options type, compiled policies, decisions', folders: ['engine/model'] },
  { summary: 'one validator per option', folders: ['engine/options'] },
  { summary: 'the CORS engine: compile, decide (no Nest)', folders: ['engine'] },
  {
    summary: 'module options types, registry, handles, per-request policies',
    folders: ['policy'],
  },
  { summary: 'routes, gateways and `paths` mapped to their policies', folders: ['routing'] },
  {
    summary:
      'the server side of HTTP: the platform contract, the request hook, header writing; the client side: a request sent and judged as a browser would',
    folders: ['http', 'client'],
  },
  { summary: 'the Express and Fastify seams', folders: ['http/express', 'http/fastify'] },
  {
    summary: 'the Nest pieces: decorator, guard, interceptor, CorsPolicies, setup',
    folders: ['nest'],
  },
  { summary: 'features', folders: ['csrf', 'report', 'testing', 'websockets'] },
  { summary: 'the WebSocket adapters', folders: ['websockets/socket.io', 'websockets/ws'] },
  { summary: 'CorsModule: wires the Nest pieces and the features', folders: ['module'] },
  { summary: 'the public entry', folders: ['.'] },
];

/** The files directly in a folder of lib/ (not in its subfolders). */
const filesOf = (folder) =>
  folder === '.' ? '^lib/[^/]+$' : `^lib/${folder.replace(/[.]/g, '\\.')}/[^/]+$`;
const anyOf = (folders) => `(${folders.map(filesOf).join('|')})`;

const layerRules = levels.flatMap((level, index) =>
  level.folders.flatMap((folder) => {
    const notBelow = levels
      .slice(index)
      .flatMap((higher) => higher.folders)
      .filter((other) => other !== folder);
    if (notBelow.length === 0) return [];
    return {
      name: `layer:${folder}`,
      comment: `lib/${folder} (${level.summary}) may import only from lower levels: ${
        levels
          .slice(0, index)
          .flatMap((lower) => lower.folders)
          .join(', ') || 'nothing in lib/'
      }.`,
      severity: 'error',
      from: { path: filesOf(folder) },
      to: { path: anyOf(notBelow) },
    };
  }),
);

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No cycle between files (type imports included).',
      severity: 'error',
      from: { path: '^lib/' },
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'not-in-a-layer',
      comment: 'Every folder of lib/ is in the layer map of .dependency-cruiser.cjs.',
      severity: 'error',
      from: { path: '^lib/', pathNot: anyOf(levels.flatMap((level) => level.folders)) },
      to: {},
    },
    {
      name: 'engine-without-nest',
      comment: 'The CORS engine runs without Nest.',
      severity: 'error',
      from: { path: '^lib/engine/' },
      to: { path: '@nestjs/' },
    },
    {
      name: 'lib-not-from-tests',
      comment: 'Shipped code never imports test code.',
      severity: 'error',
      from: { path: '^lib/' },
      to: { path: '^(test|bench|sample|scripts)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // lib/ imports with the `.js` of the built file; resolve them to the `.ts` source.
    enhancedResolveOptions: { extensions: ['.ts', '.cts', '.js', '.cjs'] },
  },
};

// Not a dependency-cruiser option (its schema refuses unknown keys): read by scripts/check-layers.mjs.
Object.defineProperty(module.exports, 'levels', { value: levels, enumerable: false });
