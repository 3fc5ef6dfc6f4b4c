//! A small hand-written gazetteer: countries, demonyms, cities and regions, international
//! organisations, titles and common first names. It feeds features to the tagger (membership is
//! evidence, not a decision) and names nationalities directly, since none of the training
//! corpora label them consistently.
//!
//! Entries are written as PTB tokens separated by spaces (`U.S.`, `Saudi Arabia`) and matched
//! case-insensitively; the tagger sees the word's capitalization separately, so "us" and "US"
//! can be told apart by the learned weights.

use std::collections::HashMap;

/// The kind of a gazetteer entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub(crate) enum Gaz {
    /// A country or other sovereign political entity.
    Country = 0,
    /// A city, capital or region.
    Place = 1,
    /// An organisation (international bodies, agencies, armed groups, parties, companies).
    Org = 2,
    /// A title or role that usually precedes a person's name.
    Title = 3,
    /// A nationality or demonym.
    Nat = 4,
    /// A common given name.
    First = 5,
    /// A word that often ends or heads an organisation's name ("Inc.", "University").
    OrgWord = 6,
    /// A word that often ends or heads a place name ("Street", "River", "County").
    PlaceWord = 7,
    /// A populated place or first-level region from an external gazetteer (stored in the
    /// model, see [`super::Lexicon::places`]).
    City = 8,
}

/// Number of [`Gaz`] kinds.
pub(crate) const KINDS: usize = 9;

const ORG_WORDS: &str = "Inc.|Inc|Corp.|Corp|Corporation|Co.|Company|Ltd.|Ltd|LLC|L.L.C.|PLC|plc|\
Group|Holdings|Partners|Bank|Airlines|Airways|Motors|Industries|Systems|Technologies|Services|\
Solutions|Energy|Petroleum|Oil|Pharmaceuticals|Media|News|Times|Post|Press|University|College|\
School|Institute|Academy|Association|Foundation|Society|Council|Committee|Commission|Agency|\
Authority|Bureau|Board|Department|Ministry|Office|Administration|Army|Navy|Force|Forces|Police|\
Guard|Brigade|Battalion|Division|Front|Movement|Party|Union|League|Federation|Alliance|Coalition|\
Church|Hospital|Clinic|Center|Centre|Club|Team|Orchestra|Band|Restaurant|Cafe|Hotel|Store|Stores|\
Market|Shop|Network|Channel|Studios|Records|Fund|Trust|Organization|Organisation";

const PLACE_WORDS: &str = "Street|St|Avenue|Ave|Ave.|Road|Rd|Rd.|Boulevard|Blvd|Lane|Drive|Highway|\
Square|Bridge|River|Lake|Mountain|Mountains|Mount|Mt.|Hill|Hills|Valley|Island|Islands|Bay|Sea|Ocean|\
Coast|Beach|Desert|Peninsula|Province|County|District|State|Region|City|Town|Village|Airport|Station|\
Park|Falls|Canyon|Forest|Plains|Heights|Springs|Port|North|South|East|West|Northern|Southern|Eastern|\
Western|Central|Upper|Lower|New|San|Santa|Saint|Fort|Lake";

const COUNTRIES: &str = "Afghanistan|Albania|Algeria|Andorra|Angola|Argentina|Armenia|Australia|Austria|\
Azerbaijan|Bahrain|Bangladesh|Belarus|Belgium|Bolivia|Bosnia|Bosnia and Herzegovina|Botswana|Brazil|\
Britain|Great Britain|Bulgaria|Burkina Faso|Burma|Burundi|Cambodia|Cameroon|Canada|Chad|Chile|China|\
Colombia|Congo|Costa Rica|Croatia|Cuba|Cyprus|Czech Republic|Czechia|Denmark|Djibouti|Ecuador|Egypt|\
El Salvador|Eritrea|Estonia|Ethiopia|Finland|France|Gabon|Gambia|Georgia|Germany|Ghana|Greece|\
Guatemala|Guinea|Haiti|Honduras|Hungary|Iceland|India|Indonesia|Iran|Iraq|Ireland|Israel|Italy|\
Ivory Coast|Jamaica|Japan|Jordan|Kazakhstan|Kenya|Kosovo|Kuwait|Kyrgyzstan|Laos|Latvia|Lebanon|Liberia|\
Libya|Lithuania|Luxembourg|Madagascar|Malawi|Malaysia|Mali|Malta|Mauritania|Mexico|Moldova|Monaco|\
Mongolia|Montenegro|Morocco|Mozambique|Myanmar|Namibia|Nepal|Netherlands|Holland|New Zealand|Nicaragua|\
Niger|Nigeria|North Korea|South Korea|Korea|North Macedonia|Macedonia|Norway|Oman|Pakistan|Palestine|\
Panama|Paraguay|Peru|Philippines|Poland|Portugal|Qatar|Romania|Russia|Russian Federation|Rwanda|\
Saudi Arabia|Senegal|Serbia|Sierra Leone|Singapore|Slovakia|Slovenia|Somalia|South Africa|South Sudan|\
Spain|Sri Lanka|Sudan|Sweden|Switzerland|Syria|Taiwan|Tajikistan|Tanzania|Thailand|Togo|Tunisia|\
Turkey|Turkmenistan|Uganda|Ukraine|United Arab Emirates|UAE|United Kingdom|UK|U.K.|United States|\
United States of America|US|U.S.|USA|U.S.A.|America|Uruguay|Uzbekistan|Venezuela|Vietnam|Yemen|Zambia|\
Zimbabwe|Vatican|Greenland|Scotland|England|Wales|Northern Ireland|Soviet Union|USSR|Yugoslavia";

const PLACES: &str = "Kabul|Tirana|Algiers|Buenos Aires|Yerevan|Canberra|Sydney|Melbourne|Vienna|Baku|\
Manama|Dhaka|Minsk|Brussels|Sarajevo|Brasilia|Rio de Janeiro|Sao Paulo|Sofia|Phnom Penh|Ottawa|Toronto|\
Montreal|Vancouver|Beijing|Shanghai|Hong Kong|Bogota|Havana|Nicosia|Prague|Copenhagen|Cairo|Alexandria|\
Addis Ababa|Helsinki|Paris|Marseille|Lyon|Tbilisi|Berlin|Munich|Frankfurt|Hamburg|Accra|Athens|\
Budapest|New Delhi|Delhi|Mumbai|Jakarta|Tehran|Baghdad|Basra|Mosul|Erbil|Kirkuk|Fallujah|Ramadi|Tikrit|\
Dublin|Jerusalem|Tel Aviv|Gaza|Gaza Strip|West Bank|Rome|Milan|Naples|Tokyo|Osaka|Amman|Astana|Nairobi|\
Pristina|Kuwait City|Beirut|Tripoli|Benghazi|Vilnius|Kuala Lumpur|Mexico City|Chisinau|Rabat|\
Casablanca|Kathmandu|Amsterdam|The Hague|Wellington|Auckland|Abuja|Lagos|Pyongyang|Seoul|Oslo|Muscat|\
Islamabad|Karachi|Lahore|Ramallah|Lima|Manila|Warsaw|Lisbon|Doha|Bucharest|Moscow|St. Petersburg|\
Riyadh|Jeddah|Mecca|Dakar|Belgrade|Mogadishu|Johannesburg|Cape Town|Pretoria|Juba|Madrid|Barcelona|\
Colombo|Khartoum|Stockholm|Geneva|Zurich|Bern|Damascus|Aleppo|Homs|Hama|Idlib|Raqqa|Deir ez-Zor|\
Palmyra|Daraa|Latakia|Taipei|Bangkok|Tunis|Ankara|Istanbul|Antalya|Kampala|Kyiv|Kiev|Kharkiv|Odesa|\
Odessa|Mariupol|Donetsk|Luhansk|Crimea|Donbas|Abu Dhabi|Dubai|London|Manchester|Edinburgh|Glasgow|\
Belfast|Washington|New York|New York City|Los Angeles|Chicago|Houston|Boston|San Francisco|Seattle|\
Miami|Atlanta|Philadelphia|Dallas|Denver|Detroit|Texas|California|Florida|Virginia|Ohio|Michigan|\
Pennsylvania|Illinois|Arizona|Nevada|Oregon|Alaska|Hawaii|Caracas|Hanoi|Saigon|Sanaa|Aden|Lusaka|\
Harare|Kandahar|Helmand|Herat|Kashmir|Kurdistan|Balochistan|Tibet|Xinjiang|Chechnya|Sinai|Golan Heights|\
Darfur|Europe|Asia|Africa|North America|South America|Latin America|Middle East|Gulf|Persian Gulf|\
Balkans|Caucasus|Sahel|Scandinavia|Mediterranean|Black Sea|Red Sea|Pacific|Atlantic|Arctic|Antarctica|\
Korean Peninsula|South China Sea|Strait of Hormuz|Euphrates|Tigris|Nile|Levant|Siberia|Kurdistan Region";

const ORGS: &str = "United Nations|UN|U.N.|UN Security Council|Security Council|General Assembly|\
NATO|European Union|EU|E.U.|European Commission|European Parliament|Council of Europe|OSCE|IAEA|\
International Atomic Energy Agency|WHO|World Health Organization|UNICEF|UNHCR|UNESCO|WFP|\
World Food Programme|World Bank|IMF|International Monetary Fund|WTO|World Trade Organization|OPEC|\
African Union|AU|Arab League|ASEAN|G7|G20|BRICS|Red Cross|International Committee of the Red Cross|\
ICRC|Red Crescent|Amnesty International|Human Rights Watch|Doctors Without Borders|MSF|\
International Criminal Court|ICC|Interpol|Europol|OPCW|Hamas|Hezbollah|Taliban|al-Qaeda|al Qaeda|\
Al Qaeda|ISIS|ISIL|IS|Islamic State|Daesh|Boko Haram|al-Shabaab|Houthis|Houthi|PKK|YPG|SDF|\
Syrian Democratic Forces|Free Syrian Army|FSA|Kremlin|Pentagon|White House|State Department|\
Department of State|Congress|Senate|House of Representatives|Parliament|Knesset|Duma|Bundestag|\
CIA|FBI|NSA|KGB|FSB|MI6|Mossad|Supreme Court|Democratic Party|Republican Party|Democrats|Republicans|\
Labour|Labour Party|Conservative Party|Conservatives|Tories|Communist Party|Fatah|PLO|\
Muslim Brotherhood|Reuters|Associated Press|AP|AFP|BBC|CNN|Al Jazeera|New York Times|Washington Post|\
Google|Apple|Microsoft|Amazon|Facebook|Meta|Twitter|Gazprom|Rosneft|Aramco|Boeing|Airbus|Toyota|\
Ministry of Defence|Ministry of Defense|Defense Ministry|Defence Ministry|Foreign Ministry|\
Interior Ministry|Home Office|Foreign Office|Downing Street|Elysee|Central Bank|Federal Reserve|\
Coalition|CENTCOM|Red Army|Revolutionary Guard|IRGC|Wagner|Wagner Group|Harvard|Oxford|Cambridge";

const TITLES: &str = "President|Vice President|Prime Minister|Deputy Prime Minister|Minister|\
Foreign Minister|Defense Minister|Defence Minister|Interior Minister|Finance Minister|\
Secretary|Secretary of State|Secretary-General|Secretary General|Chancellor|King|Queen|Prince|\
Princess|Emperor|Sheikh|Emir|Sultan|Pope|Ayatollah|Imam|Rabbi|Bishop|Archbishop|Cardinal|Father|\
Rev.|Reverend|Gen.|General|Lt.|Lieutenant|Col.|Colonel|Maj.|Major|Capt.|Captain|Sgt.|Sergeant|\
Adm.|Admiral|Cmdr.|Commander|Marshal|Field Marshal|Brig.|Brigadier|Gov.|Governor|Sen.|Senator|\
Rep.|Representative|Congressman|Congresswoman|Mayor|Ambassador|Envoy|Special Envoy|Spokesman|\
Spokeswoman|Spokesperson|Chairman|Chairwoman|Chair|Director|Chief|Judge|Justice|Attorney General|\
Mr.|Mrs.|Ms.|Miss|Mr|Mrs|Ms|Dr.|Dr|Prof.|Professor|Sir|Dame|Lord|Lady|Premier|Leader|Commissioner|\
CEO|Chief Executive|Speaker|Crown Prince|Dictator|Rebel leader|Opposition leader|Lawmaker|MP|\
Officer|Inspector|Detective|Saint|St.|Uncle|Aunt|Coach|Pastor|Deputy|Assistant|Dean|Officials";

const NATIONALITIES: &str = "Afghan|Albanian|Algerian|American|Argentine|Argentinian|Armenian|\
Australian|Austrian|Azerbaijani|Bahraini|Bangladeshi|Belarusian|Belgian|Bolivian|Bosnian|Brazilian|\
British|Briton|Britons|Bulgarian|Burmese|Cambodian|Cameroonian|Canadian|Chadian|Chilean|Chinese|\
Colombian|Congolese|Croatian|Cuban|Cypriot|Czech|Danish|Dutch|Ecuadorian|Egyptian|Emirati|English|\
Eritrean|Estonian|Ethiopian|European|Europeans|Filipino|Finnish|French|Georgian|German|Germans|\
Ghanaian|Greek|Haitian|Hungarian|Icelandic|Indian|Indonesian|Iranian|Iranians|Iraqi|Iraqis|Irish|\
Israeli|Israelis|Italian|Japanese|Jordanian|Kazakh|Kenyan|Korean|Kosovar|Kuwaiti|Kurdish|Kurd|Kurds|\
Lebanese|Libyan|Libyans|Lithuanian|Malaysian|Malian|Mexican|Moldovan|Mongolian|Moroccan|Nepali|\
Nigerian|Norwegian|Omani|Pakistani|Palestinian|Palestinians|Peruvian|Polish|Portuguese|Qatari|Romanian|\
Russian|Russians|Rwandan|Saudi|Saudis|Scottish|Senegalese|Serbian|Serb|Serbs|Slovak|Slovenian|Somali|\
Spanish|Sudanese|Swedish|Swiss|Syrian|Syrians|Taiwanese|Thai|Tunisian|Turkish|Turk|Turks|Ugandan|\
Ukrainian|Ukrainians|Uzbek|Venezuelan|Vietnamese|Welsh|Yemeni|Yemenis|Zimbabwean|Arab|Arabs|Arabic|\
African|Asian|Western|Soviet|Sunni|Shia|Shiite|Muslim|Muslims|Christian|Christians|Jewish|Jews|\
Alawite|Druze|Yazidi|Hindu|Buddhist|Catholic|Orthodox|Islamist|Islamists|Pashtun|Baloch|Tamil|Sikh|\
Latino|Hispanic|Persian|Turkmen|Assyrian|Coptic|Sahrawi|Rohingya|Uighur|Uyghur|Tatar|Chechen";

const FIRST_NAMES: &str = "John|James|Michael|David|Robert|William|Richard|Joseph|Thomas|Charles|\
Daniel|Matthew|Anthony|Mark|Donald|Steven|Paul|Andrew|Joshua|Kevin|Brian|George|Edward|Ronald|Timothy|\
Jason|Jeffrey|Ryan|Jacob|Gary|Nicholas|Eric|Jonathan|Stephen|Larry|Justin|Scott|Brandon|Benjamin|\
Samuel|Frank|Gregory|Raymond|Alexander|Patrick|Jack|Dennis|Jerry|Tyler|Aaron|Henry|Peter|Adam|\
Nathan|Zachary|Walter|Kyle|Harold|Carl|Arthur|Gerald|Roger|Keith|Jeremy|Terry|Lawrence|Sean|Christian|\
Albert|Joe|Ethan|Austin|Jesse|Willie|Billy|Bruce|Bryan|Ralph|Roy|Jordan|Eugene|Wayne|Louis|Dylan|\
Alan|Juan|Carlos|Jose|Luis|Pedro|Miguel|Antonio|Mary|Patricia|Jennifer|Linda|Elizabeth|Barbara|\
Susan|Jessica|Sarah|Karen|Nancy|Lisa|Betty|Margaret|Sandra|Ashley|Kimberly|Emily|Donna|Michelle|\
Dorothy|Carol|Amanda|Melissa|Deborah|Stephanie|Rebecca|Sharon|Laura|Cynthia|Kathleen|Amy|Shirley|\
Angela|Helen|Anna|Brenda|Pamela|Nicole|Emma|Samantha|Katherine|Christine|Debra|Rachel|Catherine|\
Carolyn|Janet|Ruth|Maria|Heather|Diane|Virginia|Julie|Joyce|Victoria|Olivia|Kelly|Christina|Lauren|\
Joan|Evelyn|Judith|Megan|Cheryl|Andrea|Hannah|Martha|Jacqueline|Frances|Gloria|Ann|Teresa|Kathryn|\
Sara|Janice|Jean|Alice|Madison|Doris|Abigail|Julia|Judy|Grace|Denise|Amber|Marilyn|Beverly|Danielle|\
Theresa|Sophia|Marie|Diana|Brittany|Natalie|Isabella|Charlotte|Rose|Alexis|Kayla|Mohammed|Muhammad|\
Mohammad|Ahmed|Ahmad|Ali|Hassan|Hussein|Omar|Abdullah|Ibrahim|Mustafa|Khalid|Youssef|Fatima|Aisha|\
Bashar|Recep|Vladimir|Sergei|Sergey|Dmitry|Dmitri|Alexei|Alexey|Ivan|Igor|Nikolai|Yuri|Viktor|Olga|\
Natalia|Tatiana|Volodymyr|Dmytro|Petro|Oleksandr|Angela|Emmanuel|Francois|Jean-Claude|Pierre|\
Jacques|Nicolas|Hans|Klaus|Wolfgang|Olaf|Giuseppe|Marco|Matteo|Xi|Li|Wang|Kim|Shinzo|Narendra|\
Rahul|Benjamin|Ehud|Mahmoud|Recep|Boris|Theresa|Rishi|Keir|Tony|Gordon|Hillary|Barack|Joe|Kamala|\
Nancy|Mitch|Bernie|Elizabeth|Antony|Lloyd|Jake|Ursula|Josep|Charles|Abdel|Abu|Hamid|Tayyip";

/// Matches gazetteer phrases in a sentence.
#[derive(Debug, Clone)]
pub(crate) struct Gazetteer {
    /// Lowercased phrase (words joined by a space) to its kinds, as a bit set.
    phrases: HashMap<String, u16>,
    /// Lowercased first word to the longest phrase length starting with it.
    first: HashMap<String, usize>,
}

/// One gazetteer hit on one word: the kind and the word's place in the phrase (0 begin,
/// 1 inside, 2 last, 3 unit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hit {
    pub kind: Gaz,
    pub pos: u8,
}

impl Gazetteer {
    /// Builds the built-in gazetteer.
    pub(crate) fn builtin() -> Gazetteer {
        let mut g = Gazetteer {
            phrases: HashMap::new(),
            first: HashMap::new(),
        };
        for (list, kind) in [
            (COUNTRIES, Gaz::Country),
            (PLACES, Gaz::Place),
            (ORGS, Gaz::Org),
            (TITLES, Gaz::Title),
            (NATIONALITIES, Gaz::Nat),
            (FIRST_NAMES, Gaz::First),
            (ORG_WORDS, Gaz::OrgWord),
            (PLACE_WORDS, Gaz::PlaceWord),
        ] {
            for entry in list.split('|') {
                g.add(entry, kind);
            }
        }
        g
    }

    /// Adds an entry: PTB tokens separated by spaces.
    pub(crate) fn add(&mut self, entry: &str, kind: Gaz) {
        let words: Vec<String> = entry.split_whitespace().map(str::to_lowercase).collect();
        if words.is_empty() {
            return;
        }
        *self.phrases.entry(words.join(" ")).or_insert(0) |= 1 << kind as u8;
        let m = self.first.entry(words[0].clone()).or_insert(0);
        *m = (*m).max(words.len());
    }

    /// True when the lowercased one-word `phrase` is an entry of `kind`.
    pub(crate) fn is(&self, phrase: &str, kind: Gaz) -> bool {
        self.phrases
            .get(phrase)
            .is_some_and(|k| k & (1 << kind as u8) != 0)
    }

    /// Number of distinct phrases.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.phrases.len()
    }

    /// Calls `hit(word index, hit)` for every word inside a matched phrase. At each position
    /// the longest phrase of each kind wins; matches of different kinds may overlap.
    pub(crate) fn matches(&self, lower: &[String], mut hit: impl FnMut(usize, Hit)) {
        let mut key = String::new();
        for i in 0..lower.len() {
            let Some(&max) = self.first.get(lower[i].as_str()) else {
                continue;
            };
            let mut seen = 0u16;
            let max = max.min(lower.len() - i);
            for len in (1..=max).rev() {
                key.clear();
                for (k, w) in lower[i..i + len].iter().enumerate() {
                    if k > 0 {
                        key.push(' ');
                    }
                    key.push_str(w);
                }
                let Some(&kinds) = self.phrases.get(key.as_str()) else {
                    continue;
                };
                let new = kinds & !seen;
                seen |= kinds;
                for k in 0..KINDS as u16 {
                    if new & (1 << k) == 0 {
                        continue;
                    }
                    let kind = KIND_ORDER[k as usize];
                    for j in 0..len {
                        let pos = if len == 1 {
                            3
                        } else if j == 0 {
                            0
                        } else if j + 1 == len {
                            2
                        } else {
                            1
                        };
                        hit(i + j, Hit { kind, pos });
                    }
                }
            }
        }
    }
}

const KIND_ORDER: [Gaz; KINDS] = [
    Gaz::Country,
    Gaz::Place,
    Gaz::Org,
    Gaz::Title,
    Gaz::Nat,
    Gaz::First,
    Gaz::OrgWord,
    Gaz::PlaceWord,
    Gaz::City,
];
