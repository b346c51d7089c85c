/**
 * The boundaries of the code, checked by `npm run lint` (and so by `npm test` and CI). Specs are left out: a
 * test may reach into what it tests. The library-level picture (and its cycles) is `npm run graph`.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle between modules makes neither understandable alone.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'workflows-are-pure',
      severity: 'error',
      comment: 'Machines import only xstate and the domain: no I/O, no Nest, no clocks.',
      from: { path: '^workflows/' },
      to: { pathNot: ['^workflows/', '^libs/domain/', 'node_modules/xstate/'] },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'The domain is types and rules: it imports no other library, no Nest and no I/O.',
      from: { path: '^libs/domain/' },
      to: {
        path: [
          '^libs/(?!domain/)',
          '^apps/',
          '^workflows/',
          'node_modules/@nestjs/',
          'node_modules/(pg|typeorm|bullmq|ioredis)/',
        ],
      },
    },
    {
      name: 'libs-never-import-apps',
      severity: 'error',
      comment: 'Dependencies point one way: apps → libs → workflows, domain.',
      from: { path: '^(libs|workflows|migrations)/' },
      to: { path: '^apps/' },
    },
    {
      name: 'no-deep-import-into-a-library',
      severity: 'error',
      comment: 'Another library is reached through its index (`#name`) only; its other files are its own business.',
      from: { path: '^(libs/([^/]+)|apps|workflows|bench|faults|migrations|tools)/' },
      to: { path: '^libs/([^/]+)/src/(?!index\\.ts$)', pathNot: ['^libs/$2/'] },
    },
    {
      name: 'libraries-by-their-alias',
      severity: 'error',
      comment: 'Another library is imported as `#name` (package.json "imports"), never by a relative path.',
      from: { path: '^(libs/([^/]+)|apps|workflows|bench|faults|migrations|tools)/' },
      to: {
        path: '^(libs/[^/]+|workflows|migrations)/',
        pathNot: ['^libs/$2/', '^$1/'],
        dependencyTypesNot: ['aliased'],
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^dist/|\\.spec\\.ts$|/test/support/)' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    combinedDependencies: true,
    // `#name` imports resolve through package.json "imports": to the sources under this condition (as tsc does).
    enhancedResolveOptions: { conditionNames: ['concord-source', 'import', 'node', 'default'] },
  },
};
