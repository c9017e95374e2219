import type { Type } from '@nestjs/common';
import { RouteMap } from '../../lib/routing/route-map';
import type { RouteRecord } from '../../lib/routing/route-record';

class ItemsController {}
const list = () => undefined;
const update = () => undefined;

function record(method: string, path: string, handler: object, methodName: string): RouteRecord {
  return {
    method,
    path,
    handler,
    methodName,
    controller: ItemsController as Type,
    policy: null,
    hosts: undefined,
    versions: undefined,
  };
}

describe('RouteMap', () => {
  const getItems = record('GET', '/items', list, 'list');
  const putItem = record('PUT', '/items/:id', update, 'update');
  const allAny = record('ALL', '/any', update, 'update');

  it('finds the record of a platform route by handler, method and path', () => {
    const map = new RouteMap([getItems, putItem]);
    expect(map.recordOf(list, 'GET', '/items')).toBe(getItems);
    expect(map.recordOf(update, 'PUT', '/items/:id')).toBe(putItem);
    expect(() => map.assertComplete('Test')).not.toThrow();
  });

  it('maps the HEAD route a platform adds for a GET route to that GET route', () => {
    const map = new RouteMap([getItems]);
    expect(map.recordOf(list, 'HEAD', '/items')).toBe(getItems);
  });

  it('maps every method of an @All() route to it', () => {
    const map = new RouteMap([allAny]);
    expect(map.recordOf(update, 'ALL', '/any')).toBe(allAny);
    expect(map.recordOf(update, 'DELETE', '/any')).toBe(allAny);
  });

  it('lists the handlers to mark', () => {
    expect([...new RouteMap([getItems, putItem, allAny]).handlers()]).toEqual([list, update]);
  });

  it('refuses to start when Nest declares a route the platform never registered', () => {
    const map = new RouteMap([getItems, putItem]);
    map.recordOf(list, 'GET', '/items');
    expect(() => map.assertComplete('Test')).toThrow(
      /PUT \/items\/:id \(ItemsController\.update\): Nest declares it, but Test never registered it/,
    );
  });

  it('refuses to start when the platform registered a marked route Nest does not declare', () => {
    const map = new RouteMap([getItems]);
    map.recordOf(list, 'GET', '/items');
    expect(map.recordOf(list, 'GET', '/items/*')).toBeUndefined();
    expect(() => map.assertComplete('Test')).toThrow(
      /GET \/items\/\* \(ItemsController\.list\): Test registered it, but Nest declares no such route/,
    );
  });
});
