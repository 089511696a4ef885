/**
 * Features the server does not offer yet stay out of the interface: no "connect Gmail", no AI
 * consent wording promising insights that do not exist. A feature turns its flag on when it ships.
 */
export const FEATURES = Object.freeze({ ai: true, gmail: false });
