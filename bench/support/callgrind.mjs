// What bench/instructions.mjs, bench/cors-get-instructions.mjs and
// bench/cors-get-hook-instructions.mjs share: the columns they measure, valgrind's arguments, and
// how a child under valgrind is stopped.

/**
 * The columns of a run: one per variant, and `module` once per named build of `libraries`
 * (`a=DIR1,b=DIR2`: `module:a`, `module:b`), each with the checkout to load nestjs-cors from.
 */
export function libraryColumns(variants, library, libraries) {
  const columns = [];
  for (const variant of variants.split(',')) {
    if (variant === 'module' && libraries !== '') {
      for (const entry of libraries.split(',')) {
        const [name, dir] = entry.split('=');
        columns.push({ id: `module:${name}`, variant, library: dir });
      }
    } else columns.push({ id: variant, variant, library: library || undefined });
  }
  return columns;
}

/**
 * valgrind's arguments before the program: callgrind, counting off until switched on
 * (`callgrind_control --instr=on`), written to `outFile` (`%p`: the pid); with `perThread`, one
 * count per thread.
 */
export function callgrindArgs(outFile, { perThread }) {
  return [
    '--tool=callgrind',
    '--instr-atstart=no',
    ...(perThread ? ['--separate-threads=yes'] : []),
    `--callgrind-out-file=${outFile}`,
  ];
}

/** Stops a child under valgrind for good, and the agent (or agents) that talked to it. */
export async function stopChild(child, agent) {
  for (const one of [agent].flat()) one.destroy();
  child.removeAllListeners('exit');
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}
