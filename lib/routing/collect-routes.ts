/** Every route Nest declares, with its path as the platform registers it and its handler's policy. */
import {
  RequestMethod,
  VERSION_NEUTRAL,
  VersioningType,
  type Type,
  type VersioningOptions,
} from '@nestjs/common';
import { MetadataScanner, type ApplicationConfig, type ModulesContainer } from '@nestjs/core';
import { PathsExplorer } from '@nestjs/core/router/paths-explorer.js';
import { RoutePathFactory } from '@nestjs/core/router/route-path-factory.js';
import { pathToRegexp } from 'path-to-regexp';
import { NEST_METADATA } from './nest-metadata.js';
import type { CorsPolicyRegistry } from '../policy/cors-policy-registry.js';
import type { RouteRecord } from './route-record.js';

/** A route's version as Nest stores it (not exported by every Nest version under one name). */
type VersionValue = string | typeof VERSION_NEUTRAL | (string | typeof VERSION_NEUTRAL)[];

/**
 * Lists every route of the application exactly as Nest hands it to the platform: Nest's own
 * `RoutePathFactory` builds the paths and the adapter's own `normalizePath` rewrites them, so the
 * global prefix and its exclusions, URI versioning, `RouterModule` paths, multi-path handlers and
 * legacy wildcards come out as registered. It decides nothing about requests: the platform's router
 * does, and `RouteMap` checks that each route it registers is one of these.
 *
 * @param normalizePath the adapter's `normalizePath`, as Nest applies it before registering.
 */
export function collectRoutes(
  modules: ModulesContainer,
  config: ApplicationConfig,
  registry: CorsPolicyRegistry,
  normalizePath: (path: string) => string,
): RouteRecord[] {
  const routePathFactory = new RoutePathFactory(config);
  const pathsExplorer = new PathsExplorer(new MetadataScanner());
  const globalPrefix = config.getGlobalPrefix();
  const versioningOptions = config.getVersioning();
  const records: RouteRecord[] = [];

  for (const { controller, instance, modulePath } of controllersOf(modules)) {
    const controllerVersion: VersionValue | undefined = versioningOptions
      ? ((Reflect.getMetadata(NEST_METADATA.version, controller) as VersionValue | undefined) ??
        versioningOptions.defaultVersion)
      : undefined;
    const hosts = hostPatternsOf(controller);
    for (const definition of pathsExplorer.scanForPaths(instance)) {
      const handler = definition.targetCallback as object;
      const route = {
        method: RequestMethod[definition.requestMethod],
        hosts,
        versions: filteredVersions(definition.version ?? controllerVersion, versioningOptions),
        controller,
        methodName: definition.methodName,
        handler,
        policy: registry.resolve(controller, handler, definition.methodName),
      };
      // Every path Nest registers for this handler: each controller path with each method path.
      for (const ctrlPath of controllerPathsOf(controller)) {
        for (const methodPath of definition.path) {
          const paths = routePathFactory.create(
            {
              ctrlPath,
              modulePath,
              globalPrefix,
              controllerVersion,
              methodVersion: definition.version,
              versioningOptions,
              methodPath,
            },
            definition.requestMethod,
          );
          for (const path of paths) records.push({ ...route, path: normalizePath(path) });
        }
      }
    }
  }
  return records;
}

/** Every controller with an instance, and the `RouterModule` path of its module. */
function* controllersOf(
  modules: ModulesContainer,
): Generator<{ controller: Type; instance: object; modulePath: string | undefined }> {
  for (const module of modules.values()) {
    const modulePath = modulePathOf(modules, module.metatype);
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type | null;
      const instance = wrapper.instance as object | undefined | null;
      if (controller !== null && instance !== undefined && instance !== null)
        yield { controller, instance, modulePath };
    }
  }
}

function modulePathOf(modules: ModulesContainer, metatype: unknown): string | undefined {
  if (typeof metatype !== 'function') return undefined;
  return (Reflect.getMetadata(NEST_METADATA.modulePath + modules.applicationId, metatype) ??
    Reflect.getMetadata(NEST_METADATA.modulePath, metatype)) as string | undefined;
}

function controllerPathsOf(controller: Type): string[] {
  const path = Reflect.getMetadata(NEST_METADATA.path, controller) as string | string[] | undefined;
  const paths = Array.isArray(path) ? path : [path ?? '/'];
  return paths.map((p) => (p.startsWith('/') ? p : `/${p}`));
}

function hostPatternsOf(controller: Type): RegExp[] | undefined {
  const host = Reflect.getMetadata(NEST_METADATA.host, controller) as
    string | RegExp | (string | RegExp)[] | undefined;
  if (host === undefined) return undefined;
  return (Array.isArray(host) ? host : [host]).map((h) =>
    typeof h === 'string' ? pathToRegexp(h).regexp : h,
  );
}

/** Versions checked by Nest's version filter rather than by the path; `undefined` for URI versioning. */
function filteredVersions(
  version: unknown,
  versioningOptions: VersioningOptions | undefined,
): (string | symbol)[] | undefined {
  if (
    versioningOptions === undefined ||
    versioningOptions.type === VersioningType.URI ||
    version === undefined
  ) {
    return undefined;
  }
  return (Array.isArray(version) ? version : [version]).map((v: unknown) =>
    v === VERSION_NEUTRAL ? VERSION_NEUTRAL : String(v),
  );
}
