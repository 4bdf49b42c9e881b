/** jtc engine module. */
package dev.jtc.engine;
