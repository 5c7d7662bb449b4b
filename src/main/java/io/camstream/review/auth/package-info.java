/**
 * Who a review UI request comes from: reviewer accounts (salted PBKDF2 hashes in a file), the shared demo token,
 * or a trusted SSO proxy's identity header; signed, expiring session cookies; and a per-address limit on failed
 * attempts. Plain Java: no HTTP server types, so the rules are testable on their own.
 */
package io.camstream.review.auth;
