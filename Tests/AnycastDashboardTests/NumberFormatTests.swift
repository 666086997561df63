import AnycastDashboard
import Testing

@Suite struct NumberFormatTests {
    @Test(arguments: [
        (1.0, 0, "1"), (1.5, 0, "2"), (2.25, 1, "2.3"), (0.004, 2, "0.00"), (0.005, 2, "0.01"), (12.3456, 3, "12.346"),
        (-1.25, 1, "-1.3"), (-0.001, 1, "0.0"), (1234567.0, 0, "1234567"), (9.999, 2, "10.00"),
    ])
    func fixed(value: Double, decimals: Int, text: String) {
        #expect(NumberFormat.fixed(value, decimals: decimals) == text)
    }

    @Test func compactForms() {
        #expect(NumberFormat.compactRate(3.24) == "3.2")
        #expect(NumberFormat.compactRate(950) == "950")
        #expect(NumberFormat.compactRate(1234) == "1.23k")
        #expect(NumberFormat.compactRate(15_432) == "15.4k")
        #expect(NumberFormat.compactRate(4_560_000) == "4.56M")
        #expect(NumberFormat.compactRate(nil) == "-")
        #expect(NumberFormat.milliseconds(0.844) == "0.84")
        #expect(NumberFormat.milliseconds(12.55) == "12.6")
        #expect(NumberFormat.percent(0.1471) == "14.7%")
        #expect(NumberFormat.age(4.25) == "4.3s")
        #expect(NumberFormat.age(95) == "95s")
        #expect(NumberFormat.age(300) == "5m")
        #expect(NumberFormat.age(90_000) == "25h")
        #expect(NumberFormat.age(400_000) == "4d")
    }

    @Test(arguments: [
        (0.3, 3, "300 ms"), (0.25, 3, "250 ms"), (0.0004, 3, "0 ms"), (0.9996, 3, "1 s"), (1, 3, "1 s"), (10, 3, "10 s"),
        (2.5, 3, "2.5 s"), (1.25, 3, "1.25 s"), (1.46, 1, "1.5 s"), (3600, 3, "3600 s"),
    ])
    func durationAsGiven(seconds: Double, decimals: Int, text: String) {
        #expect(NumberFormat.duration(seconds: seconds, decimals: decimals) == text)
    }
}
