import type { Artifact } from '@taskwire/proto/schema';
import { useEffect, useState } from 'preact/hooks';
import { authToken } from '../api/auth-token.js';
import { bytes } from './format.js';

/** Content types shown as they are: raster images (inline) and plain text. */
const SAFE_TYPES = /^(image\/(png|jpeg|gif|webp|avif)|text\/plain)(;|$)/i;

/**
 * An artifact fetched with the token (an `<img src>` cannot send one) and shown from a blob URL:
 * images inline, anything else as a download link.
 */
function ArtifactItem({ artifact }: { artifact: Artifact }) {
  const [url, setUrl] = useState<string>();
  const [problem, setProblem] = useState<string>();
  useEffect(() => {
    let objectUrl: string | undefined;
    const stop = new AbortController();
    const token = authToken.get();
    fetch(`/artifacts/${encodeURIComponent(artifact.id)}`, {
      signal: stop.signal,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    })
      .then(async (response) => {
        if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
        // A blob URL belongs to this page's origin: anything but a picture or plain text opens as
        // a download, never as a document that could run script next to the saved token.
        const type = SAFE_TYPES.test(artifact.contentType)
          ? artifact.contentType
          : 'application/octet-stream';
        objectUrl = URL.createObjectURL(new Blob([await response.arrayBuffer()], { type }));
        setUrl(objectUrl);
      })
      .catch((error: Error) => {
        if (!stop.signal.aborted) setProblem(error.message);
      });
    return () => {
      stop.abort();
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [artifact.id]);
  const image = SAFE_TYPES.test(artifact.contentType) && artifact.contentType.startsWith('image/');
  return (
    <li class="artifact">
      {image && url && (
        <img src={url} alt={`${artifact.name} (attempt ${artifact.attempt})`} loading="lazy" />
      )}
      <div>
        {url ? (
          <a href={url} download={artifact.name}>
            {artifact.name}
          </a>
        ) : (
          artifact.name
        )}{' '}
        <span class="muted">
          {artifact.contentType} · {bytes(artifact.sizeBytes)} · attempt {artifact.attempt}
        </span>
        {problem && <div class="field-error">could not load: {problem}</div>}
      </div>
    </li>
  );
}

export function ArtifactList({ artifacts }: { artifacts: readonly Artifact[] }) {
  if (artifacts.length === 0) return <p class="muted">No artifacts.</p>;
  return (
    <ul class="artifacts">
      {artifacts.map((artifact) => (
        <ArtifactItem key={artifact.id} artifact={artifact} />
      ))}
    </ul>
  );
}
