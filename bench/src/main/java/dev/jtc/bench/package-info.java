/** jtc bench module. */
package dev.jtc.bench;
