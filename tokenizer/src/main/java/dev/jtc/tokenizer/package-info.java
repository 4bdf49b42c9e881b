/** jtc tokenizer module. */
package dev.jtc.tokenizer;
