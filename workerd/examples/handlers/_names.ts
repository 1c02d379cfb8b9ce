// A helper for the modules beside it: the leading underscore keeps workerd from loading it as a
// handler module when it loads the directory.
export function fileName(title: string, extension: string): string {
  const slug = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `${slug || 'untitled'}.${extension}`;
}
