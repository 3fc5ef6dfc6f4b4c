#!/usr/bin/env python3
"""Build timexes.jsonl from the hand-written passages below.

Written by the dyad project. Every passage is original text. Markup:
    [[expression|TYPE|value]]
where value is either a literal (e.g. "2014", "P2W", "PRESENT_REF") or, when
it starts with "=", a Python expression evaluated against the publication
date `d` with the helpers below (so weekdays and relative dates are computed
with datetime, never by hand). Spans are UTF-8 byte offsets.

Run:  python3 tests/data/time/build_timexes.py
"""
import datetime as dt
import json
import os
import re

WD = {n: i for i, n in enumerate(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"])}


def make_env(d):
    def iso(x):
        return x.isoformat()

    def pw(name):  # most recent such weekday on or before d (past tense)
        return iso(d - dt.timedelta(days=(d.weekday() - WD[name]) % 7))

    def fw(name):  # next such weekday on or after d (future tense)
        return iso(d + dt.timedelta(days=(WD[name] - d.weekday()) % 7))

    def pmd(m, day):  # month-day, not after d
        c = dt.date(d.year, m, day)
        return iso(c if c <= d else dt.date(d.year - 1, m, day))

    def fmd(m, day):  # month-day, not before d
        c = dt.date(d.year, m, day)
        return iso(c if c >= d else dt.date(d.year + 1, m, day))

    def pmon(m):  # bare month name, past tense (the current month counts)
        return f"{d.year if m <= d.month else d.year - 1}-{m:02d}"

    def fmon(m):  # bare month name, future tense (the current month counts)
        return f"{d.year if m >= d.month else d.year + 1}-{m:02d}"

    def rel(n):
        return iso(d + dt.timedelta(days=n))

    def wk(n):
        y, w, _ = (d + dt.timedelta(days=7 * n)).isocalendar()
        return f"{y}-W{w:02d}"

    def mo(n):
        k = d.year * 12 + (d.month - 1) + n
        return f"{k // 12}-{k % 12 + 1:02d}"

    def yr(n):
        return str(d.year + n)

    def t(day, part):
        return f"{day}T{part}"

    return dict(D=iso(d), pw=pw, fw=fw, pmd=pmd, fmd=fmd, pmon=pmon, fmon=fmon,
                rel=rel, wk=wk, mo=mo, yr=yr, t=t)


PASSAGES = [
    # ---- 2022-03-10 (Thursday) ----
    ("2022-03-10", "Negotiators from both delegations met on [[Monday|DATE|=pw('Mon')]] in Türkiye and agreed to meet again on [[Saturday|DATE|=fw('Sat')]], a Turkish diplomat said."),
    ("2022-03-10", "The foreign minister told reporters on [[Thursday|DATE|=pw('Thu')]] that a local truce around the city had collapsed within [[48 hours|DURATION|PT48H]]."),
    ("2022-03-10", "Parliament passed the emergency budget [[yesterday|DATE|=rel(-1)]] after a [[14-hour|DURATION|PT14H]] debate marked by repeated walkouts."),
    ("2022-03-10", "The central bank will announce its interest rate decision at [[2 p.m.|TIME|=t(D,'14:00')]] [[today|DATE|=D]], and the governor will hold a news conference [[an hour|DURATION|PT1H]] later."),
    ("2022-03-10", "After [[two weeks|DURATION|P2W]] of fighting around the port, the first aid convoy reached the city [[this morning|TIME|=t(D,'MO')]]."),
    ("2022-03-10", "Prosecutors said the suspect had been held for [[six months|DURATION|P6M]] without charge. A bail hearing is scheduled for [[March 22|DATE|=fmd(3,22)]]."),
    ("2022-03-10", "The opposition alliance, founded in [[2014|DATE|2014]], said it would field a single candidate against the president in the [[2024|DATE|2024]] election."),
    ("2022-03-10", "Grain shipments through the Black Sea fell sharply [[last week|DATE|=wk(-1)]], traders in Odesa said."),
    ("2022-03-10", "Thousands of demonstrators plan to march on the capital [[next month|DATE|=mo(1)]] to demand early elections."),
    ("2022-03-10", "[[Wednesday|DATE|=pw('Wed')]]'s vote in the Security Council exposed deep divisions among the permanent members, diplomats said."),
    ("2022-03-10", "The government has [[recently|DATE|PAST_REF]] tightened controls on foreign currency, and officials say further measures will follow [[soon|DATE|FUTURE_REF]]."),
    ("2022-03-10", "The territorial dispute dates back to the [[19th century|DATE|18]], when colonial powers drew the border along a river that has since changed course."),
    ("2022-03-10", "The treaty was signed on [[March 3, 2014|DATE|2014-03-03]] and ratified by the parliament in Bogotá in [[June 2015|DATE|2015-06]]."),
    ("2022-03-10", "The Sunday Times and the Financial Times both published the leaked memo, which the ministry dismissed as a forgery."),
    # ---- 2019-06-14 (Friday) ----
    ("2019-06-14", "Theresa May's cabinet met on [[Tuesday|DATE|=pw('Tue')]] to discuss the leadership timetable, and party officials said a successor would be named by [[July 22|DATE|=fmd(7,22)]]."),
    ("2019-06-14", "The Sunday Times reported that the finance ministry had drafted contingency plans for a disorderly exit, a claim the ministry denied on [[Friday|DATE|=pw('Fri')]]."),
    ("2019-06-14", "Protest leaders in Khartoum said talks with the transitional military council would resume on [[Sunday|DATE|=fw('Sun')]] after a [[five-day|DURATION|P5D]] suspension."),
    ("2019-06-14", "A court in Bucharest sentenced the former mayor to [[eight years|DURATION|P8Y]] in prison for taking bribes between [[2009|DATE|2009]] and [[2013|DATE|2013]]."),
    ("2019-06-14", "Consumer prices have risen [[every month|SET|P1M]] since [[January|DATE|=pmon(1)]], the statistics office said [[today|DATE|=D]]."),
    ("2019-06-14", "The legislature postponed [[Wednesday|DATE|=pw('Wed')]]'s debate on the extradition bill after tens of thousands of people surrounded the building."),
    ("2019-06-14", "Theresa May stepped down as party leader on [[June 7|DATE|=pmd(6,7)]], having announced her resignation in [[May|DATE|=pmon(5)]]."),
    ("2019-06-14", "[[Three years|DURATION|P3Y]] after the referendum of [[June 23, 2016|DATE|2016-06-23]], the country has still not left the bloc."),
    ("2019-06-14", "\"May God protect our soldiers,\" the defence minister told troops at a base near the border."),
    # ---- 2019-10-31 (Thursday) ----
    ("2019-10-31", "Lawmakers approved a snap general election for [[December 12|DATE|=fmd(12,12)]], the first to be held in December since [[1923|DATE|1923]]."),
    ("2019-10-31", "Protesters have filled the main squares of Santiago for [[two weeks|DURATION|P2W]], and the president cancelled a summit that was due to open on [[November 16|DATE|=fmd(11,16)]]."),
    ("2019-10-31", "The prime minister said on [[Tuesday|DATE|=pw('Tue')]] that the country would hold a referendum on the border agreement [[next year|DATE|=yr(1)]]."),
    ("2019-10-31", "Parliament was dissolved [[this week|DATE|=wk(0)]], [[two years|DURATION|P2Y]] before the end of its term."),
    ("2019-10-31", "A car bomb exploded outside the police headquarters in the northern city [[yesterday afternoon|TIME|=t(rel(-1),'AF')]], killing four people."),
    ("2019-10-31", "Rebels said they would march on the capital unless the army withdrew from the northern provinces."),
    # ---- 2020-11-05 (Thursday) ----
    ("2020-11-05", "Vote counting in the [[2020|DATE|2020]] election continued on [[Thursday|DATE|=pw('Thu')]], [[two days|DURATION|P2D]] after polls closed on [[Tuesday|DATE|=pw('Tue')]], and state officials said results would be certified by [[December 8|DATE|=fmd(12,8)]]."),
    ("2020-11-05", "The health ministry [[now|DATE|PRESENT_REF]] publishes infection figures [[daily|SET|P1D]] rather than [[weekly|SET|P1W]]."),
    ("2020-11-05", "A [[90-minute|DURATION|PT90M]] telephone call between the two leaders on [[Wednesday night|TIME|=t(pw('Wed'),'NI')]] failed to resolve the dispute over fishing rights."),
    ("2020-11-05", "The 2,014 people detained during the protests were released [[yesterday|DATE|=rel(-1)]], according to a lawyers' association in Minsk."),
    ("2020-11-05", "The border between the two countries has been closed since [[March|DATE|=pmon(3)]], and officials said it would not reopen before [[February|DATE|=fmon(2)]]."),
    ("2020-11-05", "Negotiations on the water treaty began in [[2011|DATE|2011]] and have stalled repeatedly since the reservoir was first filled in [[July 2020|DATE|2020-07]]."),
    ("2020-11-05", "The G20 finance ministers failed to agree on a joint statement on debt relief for low-income countries."),
    # ---- 2021-01-02 (Saturday; ISO week 2020-W53) ----
    ("2021-01-02", "The new trade arrangements took effect on [[Friday|DATE|=pw('Fri')]], and hauliers reported long queues at the ports on [[Saturday|DATE|=pw('Sat')]]."),
    ("2021-01-02", "The president signed the amnesty decree on [[Tuesday|DATE|=pw('Tue')]], but it was not published in the official gazette until [[Thursday|DATE|=pw('Thu')]]."),
    ("2021-01-02", "Press freedom groups said [[last year|DATE|=yr(-1)]] was the deadliest for journalists in the region since the [[1990s|DATE|199]]."),
    ("2021-01-02", "Parliament will reconvene on [[January 11|DATE|=fmd(1,11)]], leaving lawmakers [[three weeks|DURATION|P3W]] to approve the budget."),
    ("2021-01-02", "Police in the capital made more than 300 arrests on [[New Year's Eve|DATE|=pmd(12,31)]] for breaches of the lockdown."),
    ("2021-01-02", "The curfew in São Paulo was lifted at [[6 a.m.|TIME|=t(pw('Fri'),'06:00')]] on [[Friday|DATE|=pw('Fri')]], the state government said."),
    ("2021-01-02", "Three times the prosecutor asked the witness to repeat his answer, and three times he refused."),
    # ---- 2021-08-16 (Monday) ----
    ("2021-08-16", "Insurgents entered the provincial capital on [[Sunday|DATE|=pw('Sun')]] after [[ten days|DURATION|P10D]] of fighting, and the army said it would launch a counteroffensive on [[Wednesday|DATE|=fw('Wed')]]."),
    ("2021-08-16", "Diplomats said evacuation flights would run [[every day|SET|P1D]] [[this week|DATE|=wk(0)]] while the airport remains open."),
    ("2021-08-16", "The judge adjourned the corruption trial [[this afternoon|TIME|=t(D,'AF')]] and will hear closing arguments on [[Thursday|DATE|=fw('Thu')]]."),
    ("2021-08-16", "The prime minister said on [[Monday|DATE|=pw('Mon')]] that rescue teams had been working for [[36 hours|DURATION|PT36H]] to reach villages cut off by the earthquake."),
    ("2021-08-16", "The electoral tribunal has until [[September 30|DATE|=fmd(9,30)]] to rule on the challenge filed on [[August 2|DATE|=pmd(8,2)]]."),
    ("2021-08-16", "Theresa May's former chief of staff criticised the party's handling of the leadership contest in a newspaper column."),
    # ---- 2022-12-01 (Thursday) ----
    ("2022-12-01", "The finance minister resigned on [[Thursday|DATE|=pw('Thu')]], ending a [[16-month|DURATION|P16M]] tenure dominated by disputes over fuel subsidies."),
    ("2022-12-01", "Annual inflation rose to 9.1 percent in [[November|DATE|=pmon(11)]], up from 8.6 percent in [[October|DATE|=pmon(10)]], the statistics office said."),
    ("2022-12-01", "The lower house approved the pension bill on [[Monday|DATE|=pw('Mon')]], and the upper house is expected to vote on it [[Thursday evening|TIME|=t(fw('Thu'),'EV')]]."),
    ("2022-12-01", "The regional summit, held [[annually|SET|P1Y]] since [[2005|DATE|2005]], will open in Nairobi on [[December 12|DATE|=fmd(12,12)]]."),
    ("2022-12-01", "Senators said the spending package would be taken up [[next week|DATE|=wk(1)]]."),
    ("2022-12-01", "Article 50 of the treaty sets out how a member state may leave the union."),
    # ---- 2023-04-03 (Monday) ----
    ("2023-04-03", "Voters went to the polls on [[Sunday|DATE|=pw('Sun')]] in a closely fought parliamentary election, and final results are expected [[today|DATE|=D]]."),
    ("2023-04-03", "Dockworkers have been on strike since [[Thursday|DATE|=pw('Thu')]], and union leaders said on [[Monday|DATE|=pw('Mon')]] they would not return to work before [[April 10|DATE|=fmd(4,10)]]."),
    ("2023-04-03", "March organisers said more than 50,000 people had joined the rally outside parliament, far more than the police estimate."),
    ("2023-04-03", "The energy ministry said the country [[currently|DATE|PRESENT_REF]] holds [[two months|DURATION|P2M]] of gas reserves, enough to last until the end of the heating season."),
    ("2023-04-03", "The former president was indicted [[last week|DATE|=wk(-1)]] and is due to appear in court on [[Tuesday|DATE|=fw('Tue')]]."),
    ("2023-04-03", "The new government was sworn in on [[March 29|DATE|=pmd(3,29)]] and won a confidence vote [[two days|DURATION|P2D]] later."),
    ("2023-04-03", "Opposition supporters who began their march in [[March|DATE|=pmon(3)]] reached the capital on [[Saturday|DATE|=pw('Sat')]]."),
    # ---- 2023-09-29 (Friday) ----
    ("2023-09-29", "Foreign ministers of the bloc will meet in Brussels on [[Monday|DATE|=fw('Mon')]] to discuss the migration pact."),
    ("2023-09-29", "The government announced on [[Friday|DATE|=pw('Fri')]] that the referendum would be held on [[November 19|DATE|=fmd(11,19)]], [[six weeks|DURATION|P6W]] later than originally planned."),
    ("2023-09-29", "Real wages have fallen for [[18 months|DURATION|P18M]] in a row, the longest decline since records began in [[1971|DATE|1971]]."),
    ("2023-09-29", "In the by-election held [[today|DATE|=D]], polling stations opened at [[7 a.m.|TIME|=t(D,'07:00')]] and will close at [[10 p.m.|TIME|=t(D,'22:00')]]."),
    ("2023-09-29", "The opposition has boycotted parliament since [[July|DATE|=pmon(7)]] and says it will not return [[this year|DATE|=yr(0)]]."),
    ("2023-09-29", "The central bank raised its key rate [[earlier this month|DATE|=mo(0)]] for the tenth consecutive time."),
    ("2023-09-29", "Voters in Scotland rejected independence on [[18 September 2014|DATE|2014-09-18]], and nationalists have pressed for a second vote ever since."),
    ("2023-09-29", "The coalition holds 147 of the 300 seats and needs the support of at least four independents to pass the reform."),
    # ---- 2024-02-29 (Thursday, leap day) ----
    ("2024-02-29", "The constitutional court delivered its ruling [[today|DATE|=D]], a date that comes around only [[every four years|SET|P4Y]]."),
    ("2024-02-29", "The prime minister will travel to Tokyo [[next week|DATE|=wk(1)]] and to Seoul on [[March 8|DATE|=fmd(3,8)]]."),
    ("2024-02-29", "Farmers blocked motorways on [[Monday|DATE|=pw('Mon')]] and [[Tuesday|DATE|=pw('Tue')]] and have vowed to return on [[Saturday|DATE|=fw('Sat')]]."),
    ("2024-02-29", "The electoral commission said turnout in [[February 2019|DATE|2019-02]] had been the lowest since [[1999|DATE|1999]]."),
    ("2024-02-29", "Negotiators have met [[every Friday|SET|XXXX-WXX-5]] in Doha since [[January|DATE|=pmon(1)]]."),
    ("2024-02-29", "Officials in Gdańsk counted 2,014 spoiled ballots in the northern district, a figure the opposition called suspicious."),
    # ---- 2024-07-01 (Monday) ----
    ("2024-07-01", "Turnout was high on [[Sunday|DATE|=pw('Sun')]] in the first round of the legislative election, and the runoff will be held on [[July 7|DATE|=fmd(7,7)]]."),
    ("2024-07-01", "EU leaders met on [[Thursday|DATE|=pw('Thu')]] and [[Friday|DATE|=pw('Fri')]] in Brussels to agree on the bloc's top jobs."),
    ("2024-07-01", "The new tariffs take effect [[today|DATE|=D]] and will be reviewed [[every six months|SET|P6M]]."),
    ("2024-07-01", "The truce agreed [[last month|DATE|=mo(-1)]] has largely held, although both sides have reported sporadic violations."),
    ("2024-07-01", "The president-elect will take office on [[October 1|DATE|=fmd(10,1)]] for a [[six-year|DURATION|P6Y]] term."),
    ("2024-07-01", "Unemployment fell to its lowest level since the [[1970s|DATE|197]], the labour ministry said."),
    ("2024-07-01", "The protest march ended peacefully outside the Supreme Court, and organisers thanked police for their restraint."),
    # ---- 2025-05-20 (Tuesday) ----
    ("2025-05-20", "\"May this agreement bring a lasting peace,\" the envoy said after the signing ceremony in Doha on [[Tuesday|DATE|=pw('Tue')]]."),
    ("2025-05-20", "The central bank left interest rates unchanged on [[Tuesday|DATE|=pw('Tue')]] and said it would review its policy again in [[June|DATE|=fmon(6)]]."),
    ("2025-05-20", "The two armies exchanged artillery fire for [[three hours|DURATION|PT3H]] on [[Sunday morning|TIME|=t(pw('Sun'),'MO')]], according to local officials."),
    ("2025-05-20", "The judge ruled [[yesterday|DATE|=rel(-1)]] that prosecutors have until [[Friday|DATE|=fw('Fri')]] to file charges or release the journalist."),
    ("2025-05-20", "The presidential runoff will be held on [[June 1|DATE|=fmd(6,1)]], [[two weeks|DURATION|P2W]] after the first round."),
    ("2025-05-20", "Fuel prices have risen by 12 percent so far in [[May|DATE|=pmon(5)]], the energy regulator in Reykjavík said."),
    ("2025-05-20", "The country's debt has tripled since the [[2008|DATE|2008]] financial crisis, and the IMF said the government would need [[ten years|DURATION|P10Y]] to bring it under control."),
    # ---- 2025-12-31 (Wednesday; ISO week 2026-W01) ----
    ("2025-12-31", "The new constitution will enter into force [[tomorrow|DATE|=rel(1)]], [[30 years|DURATION|P30Y]] after the last major reform of the state."),
    ("2025-12-31", "Ministers will meet on [[Friday|DATE|=fw('Fri')]] to finalise the budget, which must be approved by [[January 15|DATE|=fmd(1,15)]]."),
    ("2025-12-31", "[[This year|DATE|=yr(0)]]'s wheat harvest was the smallest since [[2010|DATE|2010]], the agriculture ministry said."),
    ("2025-12-31", "Police will deploy 5,000 officers in the capital [[tonight|TIME|=t(D,'NI')]] ahead of the celebrations in the main square."),
    ("2025-12-31", "[[This week|DATE|=wk(0)]]'s talks between the two governments in Zürich ended without agreement on the disputed islands."),
    # ---- 2026-01-05 (Monday) ----
    ("2026-01-05", "The ceasefire that took hold on [[December 20|DATE|=pmd(12,20)]] was broken on [[Saturday|DATE|=pw('Sat')]], when drones struck a fuel depot near the border."),
    ("2026-01-05", "Parliament returns from its winter recess on [[January 13|DATE|=fmd(1,13)]], with the budget at the top of the agenda."),
    ("2026-01-05", "Fighting in the eastern provinces intensified [[last week|DATE|=wk(-1)]], forcing thousands of families to flee."),
    ("2026-01-05", "The opposition leader, who was jailed in [[March 2023|DATE|2023-03]], was freed on [[Sunday|DATE|=pw('Sun')]] under a presidential pardon."),
    ("2026-01-05", "The foreign minister will address the assembly at [[noon|TIME|=t(fw('Wed'),'12:00')]] on [[Wednesday|DATE|=fw('Wed')]] — her first speech since taking office."),
    # ---- 2026-03-02 (Monday) ----
    ("2026-03-02", "The trial of the former defence minister opened on [[Monday|DATE|=pw('Mon')]] in The Hague."),
    ("2026-03-02", "Defence ministers will meet in Warsaw [[a week from now|DATE|=rel(7)]] to discuss ammunition production."),
    ("2026-03-02", "The board of the central bank met on [[Friday|DATE|=pw('Fri')]] and will publish the minutes on [[March 16|DATE|=fmd(3,16)]]."),
    ("2026-03-02", "Rebels seized the airport [[two days ago|DATE|=rel(-2)]], and the government has declared a [[30-day|DURATION|P30D]] state of emergency in the province."),
]

MARK = re.compile(r"\[\[([^|\]]+)\|([A-Z]+)\|([^\]]+)\]\]")


def build():
    out = []
    for i, (date, src) in enumerate(PASSAGES, 1):
        d = dt.date.fromisoformat(date)
        env = make_env(d)
        text_b = b""
        timexes = []
        pos = 0
        for m in MARK.finditer(src):
            text_b += src[pos:m.start()].encode("utf-8")
            expr, typ, spec = m.groups()
            value = eval(spec[1:], {}, env) if spec.startswith("=") else spec
            start = len(text_b)
            text_b += expr.encode("utf-8")
            timexes.append({"span": [start, len(text_b)], "type": typ, "value": value,
                            "_expr": expr})
            pos = m.end()
        text_b += src[pos:].encode("utf-8")
        text = text_b.decode("utf-8")
        assert "[[" not in text and "]]" not in text, src
        out.append({"id": f"t{i:03d}", "date": date, "text": text, "timexes": timexes})
    return out


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    rows = build()
    with open(os.path.join(here, "timexes.jsonl"), "w", encoding="utf-8") as f:
        for r in rows:
            clean = dict(r, timexes=[{k: v for k, v in tx.items() if k != "_expr"}
                                     for tx in r["timexes"]])
            f.write(json.dumps(clean, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} passages")
