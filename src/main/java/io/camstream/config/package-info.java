/** Every camstream setting ({@link io.camstream.config.CamstreamConfig}) and how files, environment and flags set it. */
package io.camstream.config;
