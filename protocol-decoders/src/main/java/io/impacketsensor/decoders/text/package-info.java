/**
 * Text the decoders put in events, made once where it repeats: {@link
 * io.impacketsensor.decoders.text.Utf16Memo} gives a decode thread's last String of a field again
 * when the UTF-16 bytes are the same (share, file, pipe and account names, NTLM and NDR strings);
 * {@link io.impacketsensor.decoders.text.RecentBytes} keeps the byte strings other memos compare with;
 * {@link io.impacketsensor.decoders.text.RecentLists} gives back an equal list of names or numbers.
 */
package io.impacketsensor.decoders.text;
