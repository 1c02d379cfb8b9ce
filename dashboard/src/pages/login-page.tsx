import { useState } from 'preact/hooks';
import { signIn } from '../api/auth-token.js';

/** Asks for a token when the gateway refused the one we had (or wants one). */
export function LoginPage({ hadToken }: { hadToken: boolean }) {
  const [token, setToken] = useState('');
  const submit = (event: Event) => {
    event.preventDefault();
    if (token.trim()) signIn(token.trim());
  };
  return (
    <main class="login">
      <h1>Taskwire</h1>
      <p>
        {hadToken
          ? 'The gateway refused the saved token (revoked or unknown).'
          : 'This gateway requires a token.'}{' '}
        <code>taskwire dev</code> prints a dashboard link that signs in by itself; otherwise create a token
        with <code>taskwire token create --role viewer</code> and paste it here.
      </p>
      <form onSubmit={submit}>
        <label for="token">Token</label>
        <input
          id="token"
          type="password"
          autocomplete="off"
          required
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
        />
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}
