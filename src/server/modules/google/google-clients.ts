import type { OAuth2Client } from 'google-auth-library';
import type { calendar_v3 } from '@googleapis/calendar';
import type { Config } from '../../config.js';
import type { OutboundProvider } from '../../platform/outbound/provider-client.js';
import { fetchThrough } from '../../platform/outbound/fetch-adapter.js';

/**
 * Google's official clients, loaded on first use (most processes never connect Google), pointed at
 * the configured endpoints and sending every request through the `google` outbound provider; their
 * own retries are off (the provider retries).
 */
export function createGoogleClients(google: Config['google'], http: OutboundProvider) {
  const transporterOptions = { fetchImplementation: fetchThrough(http, { retrySafe: true }), retry: false };
  return {
    async oauth(redirectUri?: string): Promise<OAuth2Client> {
      const { OAuth2Client } = await import('google-auth-library');
      return new OAuth2Client({
        clientId: google.clientId,
        clientSecret: google.clientSecret,
        redirectUri,
        endpoints: {
          oauth2AuthBaseUrl: google.authUrl,
          oauth2TokenUrl: google.tokenUrl,
          oauth2RevokeUrl: new URL('revoke', google.tokenUrl).toString(),
        },
        transporterOptions,
        // Refreshes are ours (persisted before the calls): the client never refreshes on its own.
        eagerRefreshThresholdMillis: 0,
        forceRefreshOnFailure: false,
      });
    },
    async calendar(auth: OAuth2Client): Promise<calendar_v3.Calendar> {
      const { calendar } = await import('@googleapis/calendar');
      return calendar({ version: 'v3', auth, rootUrl: `${google.apiUrl}/`, retry: false });
    },
  };
}
export type GoogleClients = ReturnType<typeof createGoogleClients>;
