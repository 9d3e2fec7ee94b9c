/**
 * Verification of a peer's certificate chain: PKIX path validation, CRLs, host names and a verify callback.
 */
@NullMarked
package io.managedtls.core.verify;

import org.jspecify.annotations.NullMarked;
