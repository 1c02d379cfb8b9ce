import { resolve } from 'node:path';
import type { ConfigFile } from './config-file.js';
import { FLAG_SPECS, type FlagSpec } from './flag-specs.js';

/** Option values after precedence: flag, then TASKWIRE_* variable, then config file, then default. */
export interface OptionSources {
  text(flag: string): string | undefined;
  list(flag: string): string[];
  on(flag: string): boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Layers the sources of every option. Path options come back absolute: a flag's or a variable's
 * relative path starts at the current directory, a config file's at the file's own directory.
 */
export function layerOptions(
  given: Readonly<Record<string, unknown>>,
  env: Env,
  file: ConfigFile | undefined,
  cwd: string,
): OptionSources {
  const specOf = (flag: string) => FLAG_SPECS.find((s) => s.flag === flag) as FlagSpec;
  const envOf = (spec: FlagSpec) => {
    const value = spec.env ? env[spec.env] : undefined;
    return value === undefined || value === '' ? undefined : value;
  };
  const asPath = (spec: FlagSpec, base: string) => (value: string) =>
    spec.path ? resolve(base, value) : value;
  const split = (items: readonly string[]) =>
    items
      .flatMap((item) => item.split(','))
      .map((item) => item.trim())
      .filter((item) => item !== '');

  return {
    text(flag) {
      const spec = specOf(flag);
      const flagValue = given[flag];
      if (typeof flagValue === 'string') return asPath(spec, cwd)(flagValue);
      const envValue = envOf(spec);
      if (envValue !== undefined) return asPath(spec, cwd)(envValue);
      const fileValue = file?.values.get(flag);
      if (typeof fileValue === 'string') return asPath(spec, file!.dir)(fileValue);
      return spec.fallback === undefined ? undefined : asPath(spec, cwd)(spec.fallback);
    },
    list(flag) {
      const spec = specOf(flag);
      const flagValue = given[flag];
      if (Array.isArray(flagValue) && flagValue.length > 0) return split(flagValue).map(asPath(spec, cwd));
      const envValue = envOf(spec);
      if (envValue !== undefined) return split([envValue]).map(asPath(spec, cwd));
      const fileValue = file?.values.get(flag);
      if (typeof fileValue === 'string' || Array.isArray(fileValue)) {
        return split(typeof fileValue === 'string' ? [fileValue] : fileValue).map(asPath(spec, file!.dir));
      }
      return split([spec.fallback ?? '']).map(asPath(spec, cwd));
    },
    on(flag) {
      const spec = specOf(flag);
      if (given[flag] === true) return true;
      const envValue = envOf(spec);
      if (envValue !== undefined) return ['1', 'true', 'yes'].includes(envValue.toLowerCase());
      return file?.values.get(flag) === true;
    },
  };
}
