/** Only same-app paths are allowed as a post-login destination (no open redirect). */
export function safeNextPath(next: string | null | undefined): string {
  if (!next?.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  if (next.startsWith("/login")) return "/";
  return next;
}

export function loginPathFor(pathWithSearch: string): string {
  return pathWithSearch === "/" ? "/login" : `/login?next=${encodeURIComponent(pathWithSearch)}`;
}
