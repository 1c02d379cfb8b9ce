import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { arch, release, type } from 'node:os';
import { WORKERD_VERSION } from '../version.js';

let chromiumVersion: Promise<string | undefined> | undefined;
let chromiumKnown: string | undefined;

/** A slow or hung Chromium must not hold up the worker's start. */
const PROBE_TIMEOUT_MS = 10_000;

/**
 * Asks Chromium its version once per process (`chromium --version`); undefined when it is not
 * installed or does not answer. The answer then appears in softwareVersions().
 */
export function probeChromiumVersion(executable = '/usr/bin/chromium'): Promise<string | undefined> {
  chromiumVersion ??= new Promise((resolve) => {
    execFile(executable, ['--version'], { timeout: PROBE_TIMEOUT_MS }, (error, stdout) => {
      // Debian's wrapper prints "Chromium 156.0.8078.79 built on Debian ..." (plus noise on stderr).
      const version = error ? undefined : /\d+(?:\.\d+){1,3}/.exec(stdout)?.[0];
      chromiumKnown = version;
      resolve(version);
    });
  });
  return chromiumVersion;
}

let osName: string | undefined;

/** The distribution's name (PRETTY_NAME of /etc/os-release), else the kernel's type. */
function operatingSystem(): string {
  if (osName === undefined) {
    try {
      osName = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? type();
    } catch {
      osName = type();
    }
  }
  return osName;
}

/** Versions reported in hello (the fleet shows them): node, workerd, os, kernel, chromium if known. */
export function softwareVersions(): Record<string, string> {
  return {
    node: process.versions.node,
    workerd: WORKERD_VERSION,
    os: operatingSystem(),
    kernel: `${type()} ${release()} ${arch()}`,
    ...(chromiumKnown ? { chromium: chromiumKnown } : {}),
  };
}
