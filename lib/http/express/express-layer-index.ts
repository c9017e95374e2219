/**
 * Which layers of Express's app router can match a pathname: the layers indexed by the literal
 * segments their paths begin with, so that a lookup asks a few layers, in stack order, not all.
 */
import type { ExpressLayer } from './express-app.js';

/**
 * A character that path-to-regexp 8 reads as syntax rather than text (parameter, wildcard, group,
 * escape, reserved), or that is not printable ASCII: a segment with one is not indexed by.
 */
const NOT_LITERAL = /[^\x21-\x7e]|[:*{}()[\]+?!\\]/;
/** The router strips these from a path when routing is not strict (`loosen()` in `router`). */
const TRAILING_SLASHES = /\/+$/;

/**
 * A node of the index. Most nodes are leaves, or hold no layer of their own: both fields are made
 * when first needed (at 5,000 routes this halves the index, about 1.3 MB, which every full
 * collection marks).
 */
interface IndexNode {
  children: Map<string, IndexNode> | undefined;
  /** Stack indexes, ascending, of the layers whose literal segments end here. */
  layers: number[] | undefined;
}

const newNode = (): IndexNode => ({ children: undefined, layers: undefined });

/**
 * Built from one state of the stack, over every layer that could matter to a route lookup. A
 * layer's path-to-regexp matcher is anchored at the start (`^`), escapes text, and follows a text
 * segment with `/` or the end of the match (trailing slash, `end: false` lookahead); so a layer
 * whose path begins with the literal segments `/s1/.../sk` matches only pathnames whose first k
 * segments are those, compared raw (the router matches the undecoded pathname, and so does the
 * index), ignoring ASCII case at most (the matcher's `i` flag, without `u`, never folds a
 * non-ASCII character to an ASCII one). The index keys on lower case whatever the router's `case
 * sensitive routing`, since each layer fixed its own case setting when it was added: a
 * case-sensitive layer is then only a candidate more, which its own `match()` turns down.
 * Trailing slashes are stripped first, as the router does when routing is not strict; under
 * strict routing this too only adds candidates. Every layer whose path cannot be read as such
 * (parameter, wildcard or group in its first segment, a regular expression, a list of paths, a
 * path not starting with `/`, a mount whose path the router does not expose) is a candidate for
 * every pathname. The index only leaves out layers that cannot match; the layers decide.
 */
export class ExpressLayerIndex {
  private readonly root = newNode();
  /** Stack indexes, ascending, of the layers that are candidates for every pathname. */
  private readonly always: number[] = [];
  /** By stack index: whether the layer is a route whose whole path is literal segments. */
  private readonly literalRoutes: boolean[] = [];
  /** By stack index: whether the layer's whole path is literal segments, route or not. */
  private readonly literalPaths: boolean[] = [];
  private readonly length: number;
  private readonly first: ExpressLayer | undefined;
  private readonly last: ExpressLayer | undefined;
  /** The lists a lookup merges and the position in each: reused, as lookups never overlap. */
  private readonly lists: number[][] = [];
  private readonly heads: number[] = [];
  private listCount = 0;

  constructor(private readonly stack: readonly ExpressLayer[]) {
    this.length = stack.length;
    this.first = stack[0];
    this.last = stack[stack.length - 1];
    stack.forEach((layer, index) => this.add(layer, index));
    compact(this.root);
  }

  /**
   * Whether this index still describes `stack`: the same array, length and end layers (a layer
   * added, removed or moved to the front, as the request hook is, changes one of them).
   */
  describes(stack: readonly ExpressLayer[]): boolean {
    return (
      stack === this.stack &&
      stack.length === this.length &&
      stack[0] === this.first &&
      stack[stack.length - 1] === this.last
    );
  }

  /**
   * Starts a lookup: {@link next} then gives the stack index of each layer that may match
   * `pathname`, ascending, then -1. A lookup must end before the next starts.
   */
  start(pathname: string): void {
    const lists = this.lists;
    lists[0] = this.always;
    this.heads[0] = 0;
    let count = 1;
    if (pathname.charCodeAt(0) === 0x2f) {
      let node = this.root;
      let from = 1;
      for (;;) {
        const end = pathname.indexOf('/', from);
        const segment = end === -1 ? pathname.slice(from) : pathname.slice(from, end);
        const child = node.children?.get(segment.toLowerCase());
        if (child === undefined) break;
        if (child.layers !== undefined) {
          lists[count] = child.layers;
          this.heads[count] = 0;
          count++;
        }
        if (end === -1) break;
        node = child;
        from = end + 1;
      }
    }
    this.listCount = count;
  }

  /**
   * Whether the layer at `at` is a route whose path is all literal segments: it matches a bounded
   * set of pathnames (case and a trailing slash aside), and no parameter of the pathname.
   */
  isLiteralRoute(at: number): boolean {
    return this.literalRoutes[at] === true;
  }

  /**
   * Whether the layer at `at` has a path of literal segments only, so that its `match()` decodes no
   * parameter and can never throw: where it could not be the route the router runs anyway (not a
   * route, or a route that does not handle the method), asking it would change nothing.
   */
  decodesNothing(at: number): boolean {
    return this.literalPaths[at] === true;
  }

  /** The next candidate's stack index, or -1 when there is none left. */
  next(): number {
    const lists = this.lists;
    const heads = this.heads;
    let best = -1;
    let bestList = -1;
    for (let i = 0; i < this.listCount; i++) {
      const list = lists[i]!;
      const head = heads[i]!;
      if (head < list.length && (best === -1 || list[head]! < best)) {
        best = list[head]!;
        bestList = i;
      }
    }
    if (bestList !== -1) heads[bestList]!++;
    return best;
  }

  private add(layer: ExpressLayer, index: number): void {
    // `app.use(fn)` without a path: it matches every pathname at once, decodes nothing (so never
    // throws), and is no route, so a route lookup never stops at it.
    if (layer.route === undefined && layer.slash === true) return;
    const path = layer.route === undefined ? layer.rawPath : layer.route.path;
    const { segments, whole } = literalSegments(path);
    this.literalRoutes[index] = whole && layer.route !== undefined;
    this.literalPaths[index] = whole;
    if (segments.length === 0) {
      this.always.push(index);
      return;
    }
    let node = this.root;
    for (const segment of segments) {
      const children = (node.children ??= new Map<string, IndexNode>());
      let child = children.get(segment);
      if (child === undefined) {
        child = newNode();
        children.set(segment, child);
      }
      node = child;
    }
    (node.layers ??= []).push(index);
  }
}

/** Copies each node's list of layers to an array of its exact size: `push()` left room for 16 more. */
function compact(node: IndexNode): void {
  if (node.layers !== undefined) node.layers = node.layers.slice();
  if (node.children !== undefined) for (const child of node.children.values()) compact(child);
}

/**
 * The literal segments a layer's path begins with, in lower case (none when the path is not a
 * string starting with `/`, or its first segment has syntax), and whether they are all of it.
 */
function literalSegments(path: unknown): { segments: string[]; whole: boolean } {
  const segments: string[] = [];
  if (typeof path !== 'string') return { segments, whole: false };
  const stripped = path.replace(TRAILING_SLASHES, '');
  if (!stripped.startsWith('/')) return { segments, whole: false };
  for (const segment of stripped.slice(1).split('/')) {
    if (NOT_LITERAL.test(segment)) return { segments, whole: false };
    segments.push(segment.toLowerCase());
  }
  return { segments, whole: true };
}
