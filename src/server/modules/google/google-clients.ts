import type { OAuth2Client } from 'google-auth-library';
import type { calendar_v3 } from '@googleapis/calendar';
import type { gmail_v1 } from '@googleapis/gmail';
import type { drive_v3 } from '@googleapis/drive';
import { LIMITS } from '../../platform/limits.js';
import type { Config } from '../../config.js';
import type { OutboundProvider } from '../../platform/outbound/provider-client.js';
import { fetchThrough } from '../../platform/outbound/fetch-adapter.js';

/**
 * Google's official clients, loaded on first use (most processes never connect Google), pointed at
 * the configured endpoints and sending every request through the `google` outbound provider; their
 * own retries are off (the provider retries).
 */
export function createGoogleClients(google: Config['google'], http: OutboundProvider) {
  // Refreshes, revokes and reads may be sent again; a code exchange may not (the code works once).
  const retrying = { fetchImplementation: fetchThrough(http, { retrySafe: true }), retry: false };
  const once = { fetchImplementation: fetchThrough(http, { retrySafe: false }), retry: false };
  // Drive answers file contents: capped at the document size, whatever the provider's usual cap.
  const driveFetch = fetchThrough(http, { retrySafe: true, maxBytes: LIMITS.drive.fileBytes });
  return {
    async oauth(redirectUri?: string, options: { isCodeExchange?: boolean } = {}): Promise<OAuth2Client> {
      const transporterOptions = options.isCodeExchange ? once : retrying;
      const { OAuth2Client } = await import('google-auth-library');
      const client = new OAuth2Client({
        clientId: google.clientId,
        clientSecret: google.clientSecret,
        redirectUri,
        endpoints: {
          oauth2AuthBaseUrl: google.authUrl,
          oauth2TokenUrl: google.tokenUrl,
          oauth2RevokeUrl: new URL('revoke', google.tokenUrl).toString(),
          // verifyIdToken reads the PEM certificates on Node (cached by the client for their max-age).
          oauth2FederatedSignonPemCertsUrl: google.certsUrl,
        },
        transporterOptions,
        // Refreshes are ours (persisted before the calls): the client never refreshes on its own.
        eagerRefreshThresholdMillis: 0,
        forceRefreshOnFailure: false,
      });
      // Token calls ask gaxios to retry (their own per-request retry config): the provider decides instead.
      client.transporter.interceptors.request.add({
        resolved: async (config) => Object.assign(config, { retry: false, retryConfig: { retry: 0, noResponseRetries: 0 } }),
      });
      return client;
    },
    async calendar(auth: OAuth2Client): Promise<calendar_v3.Calendar> {
      const { calendar } = await import('@googleapis/calendar');
      return calendar({ version: 'v3', auth, rootUrl: `${google.apiUrl}/`, retry: false });
    },
    async gmail(auth: OAuth2Client): Promise<gmail_v1.Gmail> {
      const { gmail } = await import('@googleapis/gmail');
      return gmail({ version: 'v1', auth, rootUrl: `${google.apiUrl}/`, retry: false });
    },
    async drive(auth: OAuth2Client): Promise<drive_v3.Drive> {
      const { drive } = await import('@googleapis/drive');
      return drive({ version: 'v3', auth, rootUrl: `${google.apiUrl}/`, retry: false, fetchImplementation: driveFetch });
    },
  };
}
export type GoogleClients = ReturnType<typeof createGoogleClients>;
