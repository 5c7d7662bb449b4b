/**
 * The review UI's HTTP server on Jetty 12 (core handler API): authenticated pages, JSON API, debounced
 * Server-Sent Events, and the only paths to artifacts and original images. Routes are listed on {@link
 * io.camstream.review.web.ReviewServer}; the pages are plain HTML/CSS/JS under {@code io/camstream/review/}.
 */
package io.camstream.review.web;
