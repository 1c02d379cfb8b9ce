import type { AnchorHTMLAttributes, ComponentChildren } from 'preact';
import { createStore, useStore } from '../live/store.js';

/** The current location (path and query); pages are real paths, so a refresh keeps the page. */
const current = createStore(location.pathname + location.search);
addEventListener('popstate', () => current.set(location.pathname + location.search));

export function navigate(to: string, replace = false): void {
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  current.set(location.pathname + location.search);
  if (!replace) scrollTo(0, 0);
}

export function useLocation(): URL {
  return new URL(useStore(current), location.origin);
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { href: string; children: ComponentChildren };

/** An ordinary link that changes the page without a reload; a modified click opens a new tab. */
export function Link({ href, children, ...rest }: LinkProps) {
  const onClick = (event: MouseEvent) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} onClick={onClick} {...rest}>
      {children}
    </a>
  );
}
