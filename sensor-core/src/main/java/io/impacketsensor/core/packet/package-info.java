/**
 * L2 to L4 decoding without allocation: {@link io.impacketsensor.core.packet.PacketDecoder} fills
 * a reused {@link io.impacketsensor.core.packet.Packet} from Ethernet (802.1Q/802.1ad tags), Linux
 * SLL/SLL2, raw IP and BSD loopback frames; IPv4 (RFC 791) and IPv6 with its extension headers
 * (RFC 8200 section 4, RFC 4302 for AH); TCP (RFC 9293) and UDP (RFC 768).
 * {@link io.impacketsensor.core.packet.FragmentReassembler} rebuilds fragmented datagrams within
 * fixed bounds; {@link io.impacketsensor.core.packet.SymmetricFlowHash} picks the decode worker.
 */
package io.impacketsensor.core.packet;
