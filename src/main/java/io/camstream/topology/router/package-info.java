/** The router role: parse, validate, check, apply the policy, and send explain requests or dead letters. */
package io.camstream.topology.router;
