package store

import (
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"expo/internal/expo"
)

// The demo programme: 34 published forums over the five expo days in eight
// forum rooms, with a Korean Business Day (day 3) and a Russia–China
// cooperation day (day 4), plus one draft whose clashes show the clash
// report. Registrations are left to the registration demo code; capacities
// are realistic (the 40-seat Meeting Room 302 forums fill up first).

type demoSpeaker struct{ key, name, latin, title, org, country, bio string }

var demoSpeakers = []demoSpeaker{
	{"wang", "王建国", "Wang Jianguo", "Director-General", "Jilin Provincial Department of Commerce", "CN", "Leads the province's foreign trade and investment promotion."},
	{"lixm", "李晓梅", "Li Xiaomei", "Chief Engineer", "Changchun FAW New Energy", "CN", "Twenty years in vehicle electrification, from battery packs to charging networks."},
	{"zhangw", "张伟", "Zhang Wei", "Dean, School of Automotive Engineering", "Jilin University", "CN", "Researches lightweight bodies and intelligent chassis."},
	{"liuy", "刘洋", "Liu Yang", "President", "Northeast Pharmaceutical Group", "CN", "Built the group's biologics line and its export business."},
	{"chenj", "陈静", "Chen Jing", "Head of Cross-border E-commerce", "Hunchun Border Economic Cooperation Zone", "CN", "Runs the bonded warehouses on the China–Russia–DPRK border."},
	{"zhaol", "赵磊", "Zhao Lei", "Director", "Jilin Academy of Agricultural Sciences", "CN", "Expert in black soil conservation and maize breeding."},
	{"sunl", "孙丽", "Sun Li", "Managing Partner", "Changchun Capital", "CN", "Invests in advanced manufacturing and health care in Northeast China."},
	{"zhout", "周涛", "Zhou Tao", "Chief Technology Officer", "Jilin New Materials Technology", "CN", "Carbon fibre and basalt fibre composites."},
	{"wum", "吴敏", "Wu Min", "Director", "Changbai Mountain Tourism Bureau", "CN", "Developed the region's winter tourism routes."},
	{"zhengh", "郑浩", "Zheng Hao", "General Manager", "China–Europe Railway Express (Changchun hub)", "CN", "Operates block trains from Changchun to Duisburg and Moscow."},
	{"huangxd", "黄晓东", "Huang Xiaodong", "Professor of Digital Economy", "Northeast Normal University", "CN", "Studies platform trade and data governance."},
	{"malina", "马丽娜", "Ma Lina", "Chief Financial Officer", "Bank of Jilin", "CN", "Responsible for trade finance and RMB settlement."},
	{"kimsj", "김수진", "Kim Su-jin", "Chief Executive Officer", "Hanbit Medical", "KR", "Founded a maker of patient monitors sold in 30 countries."},
	{"parkjh", "박준호", "Park Jun-ho", "Director", "Korea Trade Alliance", "KR", "Leads the alliance's China desk."},
	{"leemj", "이민정", "Lee Min-jung", "Senior Research Fellow", "Korea Institute for Northeast Asian Economy", "KR", "Writes on Korea–China supply chains."},
	{"kangms", "강민석", "Kang Min-seok", "President", "Korean Chamber of Commerce in Changchun", "KR", "Has helped 200 Korean firms set up in Jilin."},
	{"junghe", "정하은", "Jung Ha-eun", "Head of Digital Health", "Seoul Bio Hub", "KR", "Brings telemedicine start-ups to foreign markets."},
	{"yoonsy", "윤서연", "Yoon Seo-yeon", "Marketing Director", "Gangwon Tourism Organization", "KR", "Markets ski resorts to Chinese travellers."},
	{"choiys", "최영수", "Choi Young-soo", "Vice President, Batteries", "Busan Capital Partners", "KR", "Invests in cathode materials and battery recycling."},
	{"smirnova", "Елена Смирнова", "Elena Smirnova", "Head of Investment Consulting", "Yandex Invest Consult", "RU", "Advises Russian and Chinese investors on market entry."},
	{"kozlov", "Дмитрий Козлов", "Dmitry Kozlov", "Director", "Vladivostok Port Holding", "RU", "Runs container terminals on the Sea of Japan."},
	{"volkov", "Сергей Волков", "Sergei Volkov", "Chief Agronomist", "Primorye Agro", "RU", "Grows soybeans for export to China."},
	{"novikova", "Ольга Новикова", "Olga Novikova", "Vice-Rector for International Affairs", "Far Eastern Federal University", "RU", "Coordinates joint programmes with Chinese universities."},
	{"morozov", "Алексей Морозов", "Alexei Morozov", "Chief Executive Officer", "Khabarovsk Energy Systems", "RU", "Power grids and cross-border electricity exports."},
	{"sokolov", "Игорь Соколов", "Igor Sokolov", "Head of Customs Brokerage", "Zarubino Logistics", "RU", "Specialist in customs clearance at the Kraskino crossing."},
	{"popova", "Наталья Попова", "Natalia Popova", "Regulatory Consultant", "MedReg Novosibirsk", "RU", "Registers medical devices in the Eurasian Economic Union."},
	{"sato", "佐藤健一", "Sato Kenichi", "Managing Director", "Sapporo Agri Foods", "JP", "Exports Hokkaido dairy and rice to China."},
	{"tanaka", "田中美咲", "Tanaka Misaki", "Senior Researcher", "Niigata Institute for Northeast Asian Studies", "JP", "Studies the Japan Sea rim economy."},
	{"takahashi", "高橋大輔", "Takahashi Daisuke", "Programme Lead, Hydrogen", "Hokkaido Energy Lab", "JP", "Builds hydrogen supply chains from wind power."},
	{"bold", "Ганбаатар Болд", "Ganbaatar Bold", "Director", "Ulaanbaatar Logistics", "MN", "Runs rail and road freight between Mongolia and China."},
	{"oyun", "Оюунчимэг Дорж", "Oyunchimeg Dorj", "Vice President", "Mongolian National Chamber of Commerce", "MN", "Promotes Mongolian exports along the economic corridor."},
	{"xuy", "许悦", "Xu Yue", "Founder", "Changchun Robotics Valley", "CN", "Builds collaborative robots for car plants."},
	{"gaof", "高峰", "Gao Feng", "Director, Ginseng Industry Office", "Jilin Provincial Department of Agriculture", "CN", "Oversees the province's ginseng standards and exports."},
}

// demoSession: title, minutes, speaker keys (comma-separated), language.
type demoSession struct {
	title    string
	minutes  int
	speakers string
	lang     string
}

type demoForum struct {
	day      int    // 0 to 4
	room     string // room name
	start    string // "09:30"
	title    string
	theme    string
	host     string
	langs    string
	interp   bool
	capacity int
	desc     string
	sessions []demoSession
	draft    bool
}

var demoForums = []demoForum{
	// Day 1 — opening day.
	{0, "International Conference Hall", "09:30", "Opening Ceremony and Northeast Asia Cooperation Summit", "investment", "Expo Secretariat", "zh,en,ko,ru,ja", true, 800,
		"The official opening of the expo, with leaders of the Northeast Asian economies on trade and investment in the region.",
		[]demoSession{{"Opening ceremony", 45, "wang", "zh"}, {"Keynote: the Northeast Asian economic corridor", 45, "leemj,tanaka", "en"}, {"Leaders' dialogue on regional trade", 60, "parkjh,smirnova,oyun", "en"}}, false},
	{0, "Forum Hall 1", "13:30", "New Energy Vehicles: Supply Chains for Northeast Asia", "new_energy", "Changchun FAW New Energy", "zh,en", true, 400,
		"How carmakers and suppliers in Jilin, Korea and Japan share batteries, motors and charging standards.",
		[]demoSession{{"Keynote: electrifying the Changchun car cluster", 45, "lixm", "zh"}, {"Panel: battery supply from Korea and China", 60, "choiys,zhangw", "en"}, {"Charging standards across borders", 45, "takahashi", "en"}}, false},
	{0, "Forum Hall 2", "13:30", "Automotive Parts: Localization and Export", "automotive", "Jilin University", "zh,en,ru", true, 250,
		"Tier-1 and tier-2 suppliers on producing locally for the Chinese market and exporting to Russia and Central Asia.",
		[]demoSession{{"Automation in auto parts plants", 60, "xuy", "zh"}, {"Exporting auto parts to the Eurasian Economic Union", 60, "popova,kozlov", "ru"}}, false},
	{0, "Forum Hall 3", "13:30", "Hydrogen Economy Forum", "new_energy", "Hokkaido Energy Lab", "en,ja,zh", true, 200,
		"Green hydrogen from wind and solar power, and the first hydrogen trucks on Northeast Asian roads.",
		[]demoSession{{"Hydrogen from wind: lessons from Hokkaido", 45, "takahashi", "ja"}, {"Hydrogen trucks for the Tumen River ports", 45, "morozov", "ru"}, {"Roundtable: financing hydrogen projects", 60, "sunl", "zh"}}, false},
	{0, "Jilin Room", "13:30", "Black Soil Protection and Smart Agriculture", "agriculture", "Jilin Academy of Agricultural Sciences", "zh,en", false, 150,
		"Conserving Northeast China's black soil with precision farming, drones and crop rotation.",
		[]demoSession{{"The state of the black soil", 45, "zhaol", "zh"}, {"Smart farming in Hokkaido", 45, "sato", "ja"}, {"Soybean rotation in the Russian Far East", 45, "volkov", "ru"}}, false},
	{0, "Meeting Room 303", "13:30", "Investment Opportunities in Jilin Province", "investment", "Jilin Provincial Department of Commerce", "zh,en", true, 80,
		"Industrial parks, incentives and success stories for foreign investors in Jilin.",
		[]demoSession{{"Jilin's development zones", 45, "malina", "zh"}, {"Case studies: foreign investors in Changchun", 60, "kangms,smirnova", "en"}}, false},
	{0, "Meeting Room 301", "13:30", "Cross-border E-commerce through Hunchun", "cross_border_trade", "Hunchun Border Economic Cooperation Zone", "zh,ru,ko", true, 60,
		"Bonded warehouses, parcel customs and the express routes from Hunchun to Russia and Korea.",
		[]demoSession{{"The Hunchun bonded e-commerce zone", 45, "chenj", "zh"}, {"Customs clearance at Kraskino", 45, "sokolov", "ru"}}, false},

	// Day 2.
	{1, "International Conference Hall", "09:30", "Digital Economy Summit: Platforms, Data and Trade", "digital_economy", "Northeast Normal University", "zh,en,ko,ru", true, 800,
		"Digital platforms, data flows and artificial intelligence in the trade between the Northeast Asian economies.",
		[]demoSession{{"Keynote: platform trade in Northeast Asia", 45, "huangxd", "zh"}, {"Panel: cross-border data and AI", 60, "junghe,smirnova", "en"}, {"Digital silk road: the next five years", 45, "leemj", "ko"}}, false},
	{1, "Forum Hall 1", "09:30", "Pharmaceutical Innovation and Clinical Cooperation", "pharma_medical", "Northeast Pharmaceutical Group", "zh,en", true, 400,
		"Biologics, joint clinical trials and market access for medicines between China, Korea and Russia.",
		[]demoSession{{"Biologics made in Northeast China", 45, "liuy", "zh"}, {"Joint clinical trials with Korean hospitals", 45, "kimsj", "ko"}, {"Ginseng-based medicines for export", 45, "gaof", "zh"}}, false},
	{1, "Forum Hall 2", "09:30", "Grain, Soybeans and Food Security in Northeast Asia", "agriculture", "Jilin Academy of Agricultural Sciences", "zh,en,ru,ja", true, 250,
		"Grain trade, storage and food safety standards across the region.",
		[]demoSession{{"Maize and rice: Jilin's harvest", 45, "zhaol", "zh"}, {"Russian soybeans for Chinese mills", 45, "volkov", "ru"}, {"Food safety standards for Japan", 45, "sato", "ja"}}, false},
	{1, "Meeting Room 302", "10:00", "Medical Device Registration: China, Korea, Russia", "pharma_medical", "MedReg Novosibirsk", "en,ru,ko", true, 40,
		"A hands-on workshop on the paperwork for selling a medical device in three markets.",
		[]demoSession{{"Workshop: registration dossiers step by step", 90, "popova", "en"}}, false},
	{1, "Forum Hall 1", "13:30", "Battery Materials and Recycling", "new_materials", "Jilin New Materials Technology", "zh,en,ko", true, 300,
		"Cathode and anode materials, recycling of used batteries and the circular economy.",
		[]demoSession{{"Cathode materials from Korea", 45, "choiys", "ko"}, {"Recycling used EV batteries", 45, "lixm", "zh"}, {"Carbon fibre for lighter packs", 45, "zhout", "zh"}}, false},
	{1, "Forum Hall 3", "13:30", "Ice and Snow Tourism", "tourism", "Changbai Mountain Tourism Bureau", "zh,ko,ja,ru", true, 200,
		"Ski resorts, winter festivals and visa-free travel between Jilin, Gangwon, Hokkaido and Primorye.",
		[]demoSession{{"Changbai Mountain in winter", 45, "wum", "zh"}, {"Gangwon after the Olympics", 45, "yoonsy", "ko"}, {"Hokkaido's snow festivals", 45, "tanaka", "ja"}}, false},
	{1, "Jilin Room", "13:30", "Fintech and Cross-border Payments", "investment", "Bank of Jilin", "zh,en,ru", true, 150,
		"RMB settlement, digital payments and trade finance for small exporters.",
		[]demoSession{{"RMB settlement with Russian partners", 45, "malina", "zh"}, {"Trade finance for small exporters", 45, "sunl", "zh"}, {"Payments in a sanctions-aware world", 45, "smirnova", "ru"}}, false},
	{1, "Meeting Room 303", "14:00", "Rail Freight Corridors: the China–Europe Railway Express", "logistics", "China–Europe Railway Express (Changchun hub)", "zh,en,ru,mn", true, 80,
		"Block trains from Changchun through Manzhouli and Mongolia to Europe: timetables, tariffs and customs.",
		[]demoSession{{"Changchun to Duisburg in 14 days", 45, "zhengh", "zh"}, {"Transit through Mongolia", 45, "bold", "mn"}}, false},

	// Day 3 — Korean Business Day.
	{2, "International Conference Hall", "09:30", "Korean Business Day: Opening and Korea–China Trade Outlook", "korea_business_day", "Korea Trade Alliance", "ko,zh,en", true, 600,
		"The opening of Korean Business Day: trade figures, the free trade agreement and the outlook for Korean firms in Northeast China.",
		[]demoSession{{"Welcome address", 30, "kangms", "ko"}, {"Korea–China trade: the outlook", 60, "leemj", "ko"}, {"Korean companies in Jilin: a panel", 60, "parkjh,wang", "zh"}}, false},
	{2, "Forum Hall 2", "09:30", "Korean Business Day: K-Medical Devices and Digital Health", "korea_business_day", "Hanbit Medical", "ko,zh,en", true, 250,
		"Korean makers of medical devices and digital health services meet Chinese hospitals and distributors.",
		[]demoSession{{"Patient monitors for Chinese hospitals", 45, "kimsj", "ko"}, {"Telemedicine across the border", 45, "junghe", "ko"}, {"Distributors' roundtable", 60, "liuy", "zh"}}, false},
	{2, "Meeting Room 301", "10:00", "Korean Business Day: Cosmetics and Consumer Goods", "korea_business_day", "Korea Trade Alliance", "ko,zh", true, 60,
		"Selling Korean cosmetics and food to Chinese consumers through cross-border e-commerce.",
		[]demoSession{{"K-beauty on Chinese platforms", 45, "parkjh", "ko"}, {"Bonded imports through Hunchun", 45, "chenj", "zh"}}, false},
	{2, "Jilin Room", "09:30", "Green Hydrogen and Wind Power in Jilin", "new_energy", "Jilin Provincial Department of Commerce", "zh,en", false, 150,
		"Jilin's wind farms and the green hydrogen projects of Baicheng and Songyuan.",
		[]demoSession{{"Wind power in western Jilin", 45, "morozov", "ru"}, {"From wind to hydrogen", 45, "takahashi", "ja"}}, false},
	{2, "Forum Hall 1", "13:30", "Korean Business Day: Batteries and EV Partnerships", "korea_business_day", "Busan Capital Partners", "ko,zh,en", true, 400,
		"Korean battery makers and Chinese carmakers on joint ventures and supply contracts.",
		[]demoSession{{"Joint ventures in batteries", 45, "choiys", "ko"}, {"What Changchun carmakers need", 45, "lixm", "zh"}, {"Panel: the EV partnership agenda", 60, "zhangw,kangms", "en"}}, false},
	{2, "Forum Hall 3", "13:30", "Korean Business Day: Start-up Pitches and Investor Meeting", "korea_business_day", "Seoul Bio Hub", "ko,en", true, 200,
		"Ten Korean start-ups pitch to Chinese investors; the investors answer.",
		[]demoSession{{"Start-up pitches", 90, "junghe", "en"}, {"Investors' feedback", 45, "sunl", "zh"}}, false},
	{2, "Meeting Room 302", "14:00", "Korean Business Day: Briefing for Business Matchmaking", "korea_business_day", "Korean Chamber of Commerce in Changchun", "ko,zh", true, 40,
		"How the expo's business negotiations work, for Korean companies taking part for the first time.",
		[]demoSession{{"Briefing and questions", 60, "parkjh", "ko"}}, false},

	// Day 4 — Russia–China cooperation day.
	{3, "International Conference Hall", "09:30", "Russia–China Cooperation Day: Plenary", "russia_china", "Expo Secretariat", "ru,zh,en", true, 700,
		"The plenary of the Russia–China cooperation day: trade, energy, transport and the Far East.",
		[]demoSession{{"Opening of the Russia–China day", 30, "wang", "zh"}, {"The Russian Far East and Northeast China", 60, "novikova", "ru"}, {"Plenary discussion", 60, "smirnova,malina", "ru"}}, false},
	{3, "Forum Hall 1", "09:30", "Russia–China: Far East Ports and the Tumen River Corridor", "russia_china", "Vladivostok Port Holding", "ru,zh", true, 400,
		"Using Vladivostok, Zarubino and Posyet as sea gates for Jilin's cargo.",
		[]demoSession{{"Vladivostok as Jilin's port", 45, "kozlov", "ru"}, {"Road and rail links through Hunchun", 45, "chenj", "zh"}, {"Customs at the Kraskino crossing", 45, "sokolov", "ru"}}, false},
	{3, "Forum Hall 3", "09:30", "Russia–China: Energy Cooperation", "russia_china", "Khabarovsk Energy Systems", "ru,zh,en", true, 200,
		"Electricity exports, gas supply and joint power projects.",
		[]demoSession{{"Electricity exports to Heilongjiang and Jilin", 45, "morozov", "ru"}, {"Gas for Northeast China", 45, "zhengh", "zh"}}, false},
	{3, "Forum Hall 2", "13:30", "Russia–China: Agricultural Trade and Soybean Imports", "russia_china", "Primorye Agro", "ru,zh", true, 250,
		"Soybeans, wheat and rapeseed from the Russian Far East for Chinese processors.",
		[]demoSession{{"Soybeans from Primorye", 45, "volkov", "ru"}, {"What Chinese mills buy", 45, "zhaol", "zh"}, {"Phytosanitary rules in practice", 45, "sokolov", "ru"}}, false},
	{3, "Meeting Room 303", "13:30", "Russia–China: Investment Consulting and Legal Practice", "russia_china", "Yandex Invest Consult", "ru,zh,en", true, 80,
		"Setting up a company, contracts and dispute resolution between Russia and China.",
		[]demoSession{{"Market entry: Russia for Chinese investors", 45, "smirnova", "ru"}, {"Contracts and arbitration", 45, "novikova", "ru"}}, false},
	{3, "Jilin Room", "13:30", "Russia–China: Timber, Wood Processing and New Materials", "russia_china", "Jilin New Materials Technology", "ru,zh", true, 150,
		"Siberian timber, wood processing in Jilin, and wood-based composites.",
		[]demoSession{{"Wood-based composites", 45, "zhout", "zh"}, {"Timber logistics from Siberia", 45, "kozlov", "ru"}}, false},
	{3, "Meeting Room 301", "13:30", "China–Mongolia–Russia Economic Corridor", "cross_border_trade", "Mongolian National Chamber of Commerce", "mn,ru,zh", true, 60,
		"Road, rail and trade facilitation along the corridor through Mongolia.",
		[]demoSession{{"Mongolian exports to China", 45, "oyun", "mn"}, {"Freight through Zamyn-Üüd", 45, "bold", "mn"}}, false},

	// Day 5 — the last day closes at 15:00.
	{4, "Forum Hall 1", "09:30", "Intelligent Manufacturing and Industrial Robots", "digital_economy", "Changchun Robotics Valley", "zh,en,ja", true, 300,
		"Robots, industrial internet and digital twins in Northeast Asia's factories.",
		[]demoSession{{"Collaborative robots for car plants", 45, "xuy", "zh"}, {"Digital twins in practice", 45, "huangxd", "zh"}, {"Japanese automation partners", 45, "tanaka", "ja"}}, false},
	{4, "Forum Hall 2", "09:30", "Traditional Chinese Medicine and the Ginseng Industry", "pharma_medical", "Jilin Provincial Department of Agriculture", "zh,ko,en", true, 250,
		"Ginseng from the Changbai Mountains: standards, processing and export to Korea and Japan.",
		[]demoSession{{"Ginseng standards and traceability", 45, "gaof", "zh"}, {"Korean red ginseng: a market view", 45, "kimsj", "ko"}}, false},
	{4, "Meeting Room 303", "09:30", "Tourism Routes: Changbai Mountain, Vladivostok, Sapporo", "tourism", "Changbai Mountain Tourism Bureau", "zh,ru,ja,ko", true, 80,
		"Multi-country tour packages and direct flights in the region.",
		[]demoSession{{"One trip, three countries", 45, "wum", "zh"}, {"Visa-free travel to Primorye", 45, "novikova", "ru"}, {"Gangwon and Jilin: twin destinations", 45, "yoonsy", "ko"}}, false},
	{4, "Jilin Room", "10:00", "Youth Entrepreneurship in Northeast Asia", "investment", "Northeast Normal University", "zh,en", false, 150,
		"Young founders from five countries on starting up across borders.",
		[]demoSession{{"Founders' stories", 60, "junghe,oyun", "en"}, {"Funding for young founders", 45, "sunl", "zh"}}, false},
	{4, "Forum Hall 3", "13:00", "Closing Forum: Outcomes and Signed Agreements", "investment", "Expo Secretariat", "zh,en,ko,ru,ja", true, 200,
		"The expo's results: agreements signed, deals announced and next year's dates.",
		[]demoSession{{"Outcomes of the expo", 45, "wang", "zh"}, {"Signing ceremony", 45, "parkjh,smirnova,oyun", "zh"}}, false},

	// A draft still being planned: it clashes with the closing forum's room,
	// runs past closing time and admits more people than Meeting Room 301
	// holds, so the clash report has something to show.
	{4, "Forum Hall 3", "13:30", "Cold-Chain Logistics for Seafood", "logistics", "Zarubino Logistics", "ru,zh,ko", true, 100,
		"Refrigerated transport of crab, pollock and sea cucumber from the Sea of Japan to Chinese cities.",
		[]demoSession{{"Seafood from Primorye to Changchun", 45, "sokolov", "ru"}, {"Cold-chain standards", 60, "bold", "mn"}}, true},
}

// demoExtraRooms are added to the five rooms of the base demo; eight of the
// rooms host forums, the Negotiation Area stays free for matchmaking.
var demoExtraRooms = []struct {
	name, hall, equipment string
	capacity              int
}{
	{"International Conference Hall", "A", "Stage, LED wall, interpretation booths (6 channels)", 800},
	{"Forum Hall 3", "D", "Stage, projector, interpretation booths (3 channels)", 200},
	{"Meeting Room 303", "C", "Projector, interpretation booth (1 channel)", 80},
	{"Jilin Room", "B", "Round tables, projector", 150},
}

// loadDemoForums adds the demo rooms, speakers and forums inside LoadDemo's
// transaction; start is the first expo day at midnight in loc.
func (s *Store) loadDemoForums(tx *gorm.DB, start time.Time, loc *time.Location) error {
	var halls []hallRow
	if err := tx.Find(&halls).Error; err != nil {
		return err
	}
	hallID := map[string]*int64{}
	for i := range halls {
		hallID[halls[i].Code] = &halls[i].ID
	}
	extra := make([]roomRow, len(demoExtraRooms))
	for i, r := range demoExtraRooms {
		extra[i] = roomRow{Name: r.name, HallID: hallID[r.hall], Capacity: r.capacity, Equipment: r.equipment}
	}
	if err := tx.Create(&extra).Error; err != nil {
		return err
	}
	var rooms []roomRow
	if err := tx.Find(&rooms).Error; err != nil {
		return err
	}
	roomID := map[string]int64{}
	for _, r := range rooms {
		roomID[r.Name] = r.ID
	}
	now := s.now()
	speakers := make([]speakerRow, len(demoSpeakers))
	for i, sp := range demoSpeakers {
		speakers[i] = speakerRow{Name: sp.name, NameLatin: sp.latin, Title: sp.title, Organization: sp.org, Country: sp.country, Bio: sp.bio, CreatedAt: now}
	}
	if err := tx.CreateInBatches(&speakers, 100).Error; err != nil {
		return err
	}
	speakerID := map[string]int64{}
	for i, sp := range demoSpeakers {
		speakerID[sp.key] = speakers[i].ID
	}
	forums := make([]forumRow, len(demoForums))
	for i, f := range demoForums {
		forums[i] = forumRow{Title: f.title, Theme: f.theme, Description: f.desc, HostOrganization: f.host, Languages: f.langs,
			Interpretation: f.interp, Capacity: f.capacity, Published: !f.draft, CreatedAt: now, UpdatedAt: now}
	}
	if err := tx.CreateInBatches(&forums, 100).Error; err != nil {
		return err
	}
	var sessions []forumSessionRow
	var speakerKeys [][]string
	for i, f := range demoForums {
		day := start.AddDate(0, 0, f.day)
		at, err := time.ParseInLocation("2006-01-02 15:04", day.Format(dayLayout)+" "+f.start, loc)
		if err != nil {
			return err
		}
		rid, ok := roomID[f.room]
		if !ok {
			return fmt.Errorf("demo forum %q: unknown room %q", f.title, f.room)
		}
		for j, ds := range f.sessions {
			room := rid
			if f.draft && j == 1 {
				room = roomID["Meeting Room 301"]
				at = at.Add(30 * time.Minute) // past closing time
			}
			end := at.Add(time.Duration(ds.minutes) * time.Minute)
			sessions = append(sessions, forumSessionRow{ForumID: forums[i].ID, Title: ds.title, StartsAt: at.UTC(), EndsAt: end.UTC(), RoomID: room, Language: ds.lang})
			speakerKeys = append(speakerKeys, strings.Split(ds.speakers, ","))
			at = end
		}
	}
	if err := tx.CreateInBatches(&sessions, 200).Error; err != nil {
		return err
	}
	var links []sessionSpeakerRow
	for i, keys := range speakerKeys {
		for _, k := range keys {
			id, ok := speakerID[k]
			if !ok {
				return fmt.Errorf("demo session %q: unknown speaker %q", sessions[i].Title, k)
			}
			links = append(links, sessionSpeakerRow{SessionID: sessions[i].ID, SpeakerID: id})
		}
	}
	if err := tx.CreateInBatches(&links, 500).Error; err != nil {
		return err
	}
	// Clashes among published forums are a slip in the tables above; they
	// fail demo loading (and its test) instead of showing up in the demo.
	p, err := s.programmeIn(tx, loc)
	if err != nil {
		return err
	}
	published := map[int64]bool{}
	for _, f := range forums {
		published[f.ID] = f.Published
	}
	var slips []string
	for _, c := range expo.DetectClashes(p) {
		all := true
		for _, fid := range c.ForumIDs {
			all = all && published[fid]
		}
		if all {
			slips = append(slips, fmt.Sprintf("%s %v", c.Message, c.Params))
		}
	}
	if len(slips) > 0 {
		return fmt.Errorf("demo programme clashes:\n%s", strings.Join(slips, "\n"))
	}
	return nil
}
